/// Splits a number.
async fn split(x: i64) -> Result<(i64, String), MyError> {
    Ok((x, x.to_string()))
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct split {}
const _: () = {
    fn __build_entry() -> ::flytekit::__private::TaskEntry {
        ::flytekit::__private::TaskEntry {
            module_path: ::core::module_path!(),
            fn_name: "split",
            file: ::core::file!(),
            line: ::core::line!(),
            config: ::flytekit::__private::TaskConfig {
                retries: 2u32,
                timeout: ::core::option::Option::Some(
                    ::core::time::Duration::new(300u64, 0u32),
                ),
                cache: ::core::option::Option::Some(::flytekit::__private::CacheConfig {
                    version: "1",
                    serialize: false,
                    ignored_inputs: &[],
                }),
                requests: &[
                    (::flytekit::__private::Resource::Cpu, "1"),
                    (::flytekit::__private::Resource::Memory, "1Gi"),
                ],
                ..::flytekit::__private::TaskConfig::DEFAULT
            },
            short_description: "Splits a number.",
            long_description: "",
            inputs: ::flytekit::__private::glue::variables([
                ::flytekit::__private::glue::VariableSpec {
                    name: "x",
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
                ::flytekit::__private::glue::VariableSpec {
                    name: "o1",
                    literal_type: <String as ::flytekit::__private::FlyteType>::literal_type,
                    description: "",
                },
            ]),
            defaults: ::core::option::Option::None,
            run: {
                fn run(
                    inputs: ::flytekit::__private::LiteralMap,
                ) -> ::flytekit::__private::TaskFuture {
                    ::std::boxed::Box::pin(async move {
                        let __input0: i64 = ::flytekit::__private::glue::input(
                            &inputs,
                            "x",
                            <i64 as ::flytekit::__private::FlyteType>::from_literal,
                        )?;
                        let (__output0, __output1) = match split(__input0).await {
                            ::core::result::Result::Ok(value) => value,
                            ::core::result::Result::Err(error) => {
                                return ::core::result::Result::Err(
                                    ::flytekit::__private::into_task_error(
                                        error,
                                        <MyError as ::core::fmt::Display>::fmt,
                                    ),
                                );
                            }
                        };
                        let mut outputs = <::flytekit::__private::LiteralMap as ::core::default::Default>::default();
                        ::flytekit::__private::glue::output(
                            &mut outputs,
                            "o0",
                            &__output0,
                            <i64 as ::flytekit::__private::FlyteType>::to_literal,
                        )?;
                        ::flytekit::__private::glue::output(
                            &mut outputs,
                            "o1",
                            &__output1,
                            <String as ::flytekit::__private::FlyteType>::to_literal,
                        )?;
                        ::core::result::Result::Ok(outputs)
                    })
                }
                ::flytekit::__private::TaskFn::Async(run)
            },
        }
    }
    fn __entry() -> &'static ::flytekit::__private::TaskEntry {
        static ENTRY: ::flytekit::__private::TaskEntryCell = ::flytekit::__private::TaskEntryCell::new();
        ::flytekit::__private::TaskEntry::built_once(&ENTRY, __build_entry)
    }
    impl ::flytekit::__private::Task for split {
        type Inputs = (i64,);
        type Outputs = (i64, String);
        fn entry() -> &'static ::flytekit::__private::TaskEntry {
            __entry()
        }
    }
    impl ::flytekit::__private::Entity for split {
        type Promises = (
            ::flytekit::__private::Promise<i64>,
            ::flytekit::__private::Promise<String>,
        );
        const CALLEE: &'static ::flytekit::__private::Callee = &::flytekit::__private::Callee {
            input_names: &["x"],
            output_names: &["o0", "o1"],
            kind: ::flytekit::__private::CalleeKind::Task(
                <split as ::flytekit::__private::Task>::entry,
            ),
        };
    }
    impl ::flytekit::__private::EntityInput<0usize> for split {
        type Type = i64;
    }
    impl ::flytekit::__private::DefaultsFrom<1usize> for split {}
    impl ::flytekit::__private::DefaultsFrom<2usize> for split {}
    impl ::flytekit::__private::DefaultsFrom<3usize> for split {}
    impl ::flytekit::__private::DefaultsFrom<4usize> for split {}
    impl ::flytekit::__private::DefaultsFrom<5usize> for split {}
    #[::flytekit::__private::linkme::distributed_slice(
        ::flytekit::__private::FLYTEKIT_TASKS
    )]
    #[linkme(crate = ::flytekit::__private::linkme)]
    static __REGISTRATION: ::flytekit::__private::TaskRegistration = ::flytekit::__private::TaskRegistration::new(
        ::core::module_path!(),
        "split",
        ::core::option::Option::None,
        __entry,
    );
};
