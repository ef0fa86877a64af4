///The field promises of a `Promise<Point>` in a workflow.
#[doc(hidden)]
#[allow(non_camel_case_types, missing_docs)]
struct __FlytekitFieldsOfPoint {
    pub x: ::flytekit::__private::Promise<f64>,
    pub name: ::flytekit::__private::Promise<Option<String>>,
}
#[automatically_derived]
impl ::flytekit::__private::HasFields for Point {
    type Fields = __FlytekitFieldsOfPoint;
    fn fields(
        builder: &mut ::flytekit::__private::WorkflowBuilder,
        promise: ::flytekit::__private::Promise<Self>,
    ) -> __FlytekitFieldsOfPoint {
        __FlytekitFieldsOfPoint {
            x: builder.field::<Self, f64>(promise, "x"),
            name: builder.field::<Self, Option<String>>(promise, "label"),
        }
    }
}
#[automatically_derived]
impl ::flytekit::__private::FlyteType for Point {
    fn literal_type() -> ::flytekit::__private::LiteralType {
        ::flytekit::__private::types::struct_literal_type(
            ::std::vec![
                ("x", < f64 as ::flytekit::__private::FlyteType > ::literal_type()),
                ("label", < Option < String > as ::flytekit::__private::FlyteType >
                ::literal_type())
            ],
        )
    }
    fn union_tag() -> &'static str {
        ::flytekit::__private::types::UNION_TAG_DATACLASS
    }
    fn to_literal(
        &self,
    ) -> ::core::result::Result<
        ::flytekit::__private::Literal,
        ::flytekit::__private::TypeError,
    > {
        ::flytekit::__private::types::struct_to_literal(self)
    }
    fn from_literal(
        literal: &::flytekit::__private::Literal,
    ) -> ::core::result::Result<Self, ::flytekit::__private::TypeError> {
        ::flytekit::__private::types::struct_from_literal(literal, "Point")
    }
    fn write_msgpack(
        &self,
        out: &mut ::std::vec::Vec<u8>,
    ) -> ::core::result::Result<(), ::flytekit::__private::TypeError> {
        ::flytekit::__private::types::struct_header(out, 2usize)?;
        ::flytekit::__private::types::struct_key(out, "x");
        <f64 as ::flytekit::__private::FlyteType>::write_msgpack(&self.x, out)
            .map_err(|e| e.at_field("x"))?;
        ::flytekit::__private::types::struct_key(out, "label");
        <Option<
            String,
        > as ::flytekit::__private::FlyteType>::write_msgpack(&self.name, out)
            .map_err(|e| e.at_field("label"))?;
        ::core::result::Result::Ok(())
    }
    fn read_msgpack(
        value: &::flytekit::__private::rmpv::ValueRef<'_>,
    ) -> ::core::result::Result<Self, ::flytekit::__private::TypeError> {
        let entries = ::flytekit::__private::types::struct_map(value, "Point")?;
        ::core::result::Result::Ok(Point {
            x: ::flytekit::__private::types::struct_field(
                entries,
                "x",
                <f64 as ::flytekit::__private::FlyteType>::read_msgpack,
                <f64 as ::flytekit::__private::FlyteType>::msgpack_default,
            )?,
            name: ::flytekit::__private::types::struct_field(
                entries,
                "label",
                <Option<String> as ::flytekit::__private::FlyteType>::read_msgpack,
                <Option<String> as ::flytekit::__private::FlyteType>::msgpack_default,
            )?,
        })
    }
    fn read_msgpack_from(
        __reader: &mut ::flytekit::__private::types::MsgpackReader<'_>,
    ) -> ::core::result::Result<Self, ::flytekit::__private::TypeError> {
        let mut __flytekit_slot_0: ::core::option::Option<f64> = ::core::option::Option::None;
        let mut __flytekit_slot_1: ::core::option::Option<Option<String>> = ::core::option::Option::None;
        let __is_map = ::flytekit::__private::types::struct_read_fields(
            __reader,
            &["x", "label"],
            &mut |__index, __reader| match __index {
                0usize => {
                    ::flytekit::__private::types::struct_slot(
                        &mut __flytekit_slot_0,
                        __reader,
                        "x",
                        <f64 as ::flytekit::__private::FlyteType>::read_msgpack_from,
                    )
                }
                1usize => {
                    ::flytekit::__private::types::struct_slot(
                        &mut __flytekit_slot_1,
                        __reader,
                        "label",
                        <Option<
                            String,
                        > as ::flytekit::__private::FlyteType>::read_msgpack_from,
                    )
                }
                _ => __reader.skip_value(),
            },
        )?;
        if !__is_map {
            return <Self as ::flytekit::__private::FlyteType>::read_msgpack(
                &__reader.read_value()?,
            );
        }
        ::core::result::Result::Ok(Self {
            x: ::flytekit::__private::types::struct_slot_value(
                __flytekit_slot_0,
                "x",
                <f64 as ::flytekit::__private::FlyteType>::msgpack_default,
            )?,
            name: ::flytekit::__private::types::struct_slot_value(
                __flytekit_slot_1,
                "label",
                <Option<String> as ::flytekit::__private::FlyteType>::msgpack_default,
            )?,
        })
    }
}
