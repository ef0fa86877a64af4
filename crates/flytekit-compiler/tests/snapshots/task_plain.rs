fn add(a: i64, b: i64) -> i64 {
    a + b
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct add {}
const _: () = {
    fn __build_entry() -> ::flytekit::__private::TaskEntry {
        ::flytekit::__private::TaskEntry {
            module_path: ::core::module_path!(),
            fn_name: "add",
            file: ::core::file!(),
            line: ::core::line!(),
            config: ::flytekit::__private::TaskConfig {
                ..::flytekit::__private::TaskConfig::DEFAULT
            },
            short_description: "",
            long_description: "",
            inputs: ::flytekit::__private::glue::variables([
                ::flytekit::__private::glue::VariableSpec {
                    name: "a",
                    literal_type: <i64 as ::flytekit::__private::FlyteType>::literal_type,
                    description: "",
                },
                ::flytekit::__private::glue::VariableSpec {
                    name: "b",
                    literal_type: <i64 as ::flytekit::__private::FlyteType>::literal_type,
                    description: "",
                },
            ]),
            outputs: ::flytekit::__private::glue::variables([
                ::flytekit::__private::glue::VariableSpec {
                    name: "o0",
                    literal_type: <i64 as ::flytekit::__private::FlyteType>::literal_type,
                    description: "",
                },
            ]),
            defaults: ::core::option::Option::Some({
                fn defaults() -> ::core::result::Result<
                    ::flytekit::__private::BTreeMap<
                        ::std::string::String,
                        ::flytekit::__private::Literal,
                    >,
                    ::flytekit::__private::TypeError,
                > {
                    ::flytekit::__private::glue::collect_defaults(
                        &mut |defaults| {
                            ::flytekit::__private::glue::default_value(
                                defaults,
                                "b",
                                {
                                    let value: i64 = 3;
                                    value
                                },
                                <i64 as ::flytekit::__private::FlyteType>::to_literal,
                            )?;
                            ::core::result::Result::Ok(())
                        },
                    )
                }
                defaults
            }),
            run: ::flytekit::__private::TaskFn::Sync(
                ::flytekit::__private::run_sync::keep(::flytekit::__private::run_sync::SyncTask {
                    call: add as fn(i64, i64) -> i64,
                    read: (
                        <i64 as ::flytekit::__private::FlyteType>::from_literal
                            as ::flytekit::__private::run_sync::Reader<i64>,
                        <i64 as ::flytekit::__private::FlyteType>::from_literal
                            as ::flytekit::__private::run_sync::Reader<i64>,
                    ),
                    write: <i64 as ::flytekit::__private::FlyteType>::to_literal
                        as ::flytekit::__private::run_sync::Writer<i64>,
                }),
            ),
        }
    }
    fn __entry() -> &'static ::flytekit::__private::TaskEntry {
        static ENTRY: ::flytekit::__private::TaskEntryCell = ::flytekit::__private::TaskEntryCell::new();
        ::flytekit::__private::TaskEntry::built_once(&ENTRY, __build_entry)
    }
    impl ::flytekit::__private::Task for add {
        type Inputs = (i64, i64);
        type Outputs = i64;
        fn entry() -> &'static ::flytekit::__private::TaskEntry {
            __entry()
        }
    }
    impl ::flytekit::__private::Entity for add {
        type Promises = ::flytekit::__private::Promise<i64>;
        const CALLEE: &'static ::flytekit::__private::Callee = &::flytekit::__private::Callee {
            input_names: &["a", "b"],
            output_names: &["o0"],
            kind: ::flytekit::__private::CalleeKind::Task(
                <add as ::flytekit::__private::Task>::entry,
            ),
        };
    }
    impl ::flytekit::__private::EntityInput<0usize> for add {
        type Type = i64;
    }
    impl ::flytekit::__private::EntityInput<1usize> for add {
        type Type = i64;
    }
    impl ::flytekit::__private::DefaultsFrom<1usize> for add {}
    impl ::flytekit::__private::DefaultsFrom<2usize> for add {}
    impl ::flytekit::__private::DefaultsFrom<3usize> for add {}
    impl ::flytekit::__private::DefaultsFrom<4usize> for add {}
    impl ::flytekit::__private::DefaultsFrom<5usize> for add {}
    impl ::flytekit::__private::DefaultsFrom<6usize> for add {}
    #[::flytekit::__private::linkme::distributed_slice(
        ::flytekit::__private::FLYTEKIT_TASKS
    )]
    #[linkme(crate = ::flytekit::__private::linkme)]
    static __REGISTRATION: ::flytekit::__private::TaskRegistration = ::flytekit::__private::TaskRegistration::new(
        ::core::module_path!(),
        "add",
        ::core::option::Option::None,
        __entry,
    );
};
