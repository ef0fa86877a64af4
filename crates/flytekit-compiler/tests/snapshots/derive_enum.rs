#[automatically_derived]
impl ::flytekit::__private::FlyteType for Color {
    fn literal_type() -> ::flytekit::__private::LiteralType {
        ::flytekit::__private::types::enum_literal_type(&["red", "deep_blue"])
    }
    fn union_tag() -> &'static str {
        ::flytekit::__private::types::UNION_TAG_ENUM
    }
    fn to_literal(
        &self,
    ) -> ::core::result::Result<
        ::flytekit::__private::Literal,
        ::flytekit::__private::TypeError,
    > {
        ::core::result::Result::Ok(
            ::flytekit::__private::types::enum_to_literal(
                match self {
                    Color::Red => "red",
                    Color::DeepBlue => "deep_blue",
                },
            ),
        )
    }
    fn from_literal(
        literal: &::flytekit::__private::Literal,
    ) -> ::core::result::Result<Self, ::flytekit::__private::TypeError> {
        match ::flytekit::__private::types::enum_from_literal(
            literal,
            "Color",
            &["red", "deep_blue"],
        )? {
            0usize => ::core::result::Result::Ok(Color::Red),
            1usize => ::core::result::Result::Ok(Color::DeepBlue),
            other => {
                ::core::result::Result::Err(
                    ::flytekit::__private::TypeError::new(
                        ::std::format!("no variant {}", other),
                    ),
                )
            }
        }
    }
    fn write_msgpack(
        &self,
        out: &mut ::std::vec::Vec<u8>,
    ) -> ::core::result::Result<(), ::flytekit::__private::TypeError> {
        ::flytekit::__private::rmp::encode::write_str(
                out,
                match self {
                    Color::Red => "red",
                    Color::DeepBlue => "deep_blue",
                },
            )
            .map_err(|e| ::flytekit::__private::TypeError::new(
                ::std::string::ToString::to_string(&e),
            ))
    }
    fn read_msgpack(
        value: &::flytekit::__private::rmpv::ValueRef<'_>,
    ) -> ::core::result::Result<Self, ::flytekit::__private::TypeError> {
        match ::flytekit::__private::types::enum_read_msgpack(
            value,
            "Color",
            &["red", "deep_blue"],
        )? {
            0usize => ::core::result::Result::Ok(Color::Red),
            1usize => ::core::result::Result::Ok(Color::DeepBlue),
            other => {
                ::core::result::Result::Err(
                    ::flytekit::__private::TypeError::new(
                        ::std::format!("no variant {}", other),
                    ),
                )
            }
        }
    }
}
