fn add(a: i64, b: i64) -> i64 {
    a + b
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct add {}
const _: () = {
    static ENTRY: ::flytekit::__private::TaskEntry = ::flytekit::__private::TaskEntry {
        module_path: ::core::module_path!(),
        fn_name: "add",
        file: ::core::file!(),
        line: ::core::line!(),
        config: ::flytekit::__private::TaskConfig {
            name: ::core::option::Option::None,
            task_type: ::core::option::Option::None,
            retries: 0u32,
            timeout: ::core::option::Option::None,
            interruptible: ::core::option::Option::None,
            deprecated: ::core::option::Option::None,
            cache: ::core::option::Option::None,
            container_image: ::core::option::Option::None,
            environment: &[],
            requests: &[],
            limits: &[],
            secrets: &[],
            accelerator: ::core::option::Option::None,
            shared_memory: ::core::option::Option::None,
            pod_template_name: ::core::option::Option::None,
            raw_container: ::core::option::Option::None,
        },
        short_description: "",
        long_description: "",
        interface: {
            fn interface() -> ::flytekit::__private::TypedInterface {
                ::flytekit::__private::glue::interface_of(
                    &[
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
                    ],
                    &[
                        ::flytekit::__private::glue::VariableSpec {
                            name: "o0",
                            literal_type: <i64 as ::flytekit::__private::FlyteType>::literal_type,
                            description: "",
                        },
                    ],
                )
            }
            interface
        },
        defaults: {
            fn defaults() -> ::core::result::Result<
                ::flytekit::__private::BTreeMap<
                    ::std::string::String,
                    ::flytekit::__private::Literal,
                >,
                ::flytekit::__private::TypeError,
            > {
                #[allow(unused_mut)]
                let mut defaults = ::flytekit::__private::BTreeMap::new();
                ::flytekit::__private::glue::default_value(
                    &mut defaults,
                    "b",
                    {
                        let value: i64 = 3;
                        value
                    },
                    <i64 as ::flytekit::__private::FlyteType>::to_literal,
                )?;
                ::core::result::Result::Ok(defaults)
            }
            defaults
        },
        run: {
            fn run(
                inputs: &::flytekit::__private::LiteralMap,
            ) -> ::core::result::Result<
                ::flytekit::__private::LiteralMap,
                ::flytekit::__private::TaskError,
            > {
                let inputs = inputs;
                let __input0: i64 = ::flytekit::__private::glue::input(
                    &inputs,
                    "a",
                    <i64 as ::flytekit::__private::FlyteType>::from_literal,
                )?;
                let __input1: i64 = ::flytekit::__private::glue::input_or(
                    &inputs,
                    "b",
                    <i64 as ::flytekit::__private::FlyteType>::from_literal,
                    || {
                        let value: i64 = 3;
                        value
                    },
                )?;
                let value = add(__input0, __input1);
                ::flytekit::__private::glue::single_output(
                    "o0",
                    &value,
                    <i64 as ::flytekit::__private::FlyteType>::to_literal,
                )
            }
            ::flytekit::__private::TaskFn::Sync(run)
        },
    };
    impl ::flytekit::__private::Task for add {
        type Inputs = (i64, i64);
        type Outputs = i64;
        const INPUT_NAMES: &'static [&'static str] = &["a", "b"];
        fn entry() -> &'static ::flytekit::__private::TaskEntry {
            &ENTRY
        }
    }
    impl ::flytekit::__private::Entity for add {
        type Promises = ::flytekit::__private::Promise<i64>;
        fn entity_name() -> ::std::string::String {
            ENTRY.name()
        }
        fn node_name() -> ::std::string::String {
            ::flytekit::__private::glue::owned("add")
        }
        fn interface() -> ::flytekit::__private::TypedInterface {
            (ENTRY.interface)()
        }
        fn input_names() -> ::std::vec::Vec<&'static str> {
            ::flytekit::__private::glue::str_list(&["a", "b"])
        }
        fn output_names() -> ::std::vec::Vec<::std::string::String> {
            ::flytekit::__private::glue::string_list(&["o0"])
        }
        fn defaults() -> ::core::result::Result<
            ::flytekit::__private::BTreeMap<
                ::std::string::String,
                ::flytekit::__private::Literal,
            >,
            ::flytekit::__private::TypeError,
        > {
            (ENTRY.defaults)()
        }
        fn target(
            _builder: &mut ::flytekit::__private::WorkflowBuilder,
        ) -> ::core::result::Result<
            ::flytekit::__private::NodeTarget,
            ::std::string::String,
        > {
            ::core::result::Result::Ok(::flytekit::__private::glue::task_target(&ENTRY))
        }
        fn node_metadata() -> ::flytekit::__private::NodeMetadata {
            ::flytekit::__private::glue::task_node_metadata(&ENTRY)
        }
    }
    impl ::flytekit::__private::EntityInput<0usize> for add {
        type Type = i64;
        const NAME: &'static str = "a";
    }
    impl ::flytekit::__private::EntityInput<1usize> for add {
        type Type = i64;
        const NAME: &'static str = "b";
    }
    impl ::flytekit::__private::DefaultsFrom<1usize> for add {}
    impl ::flytekit::__private::DefaultsFrom<2usize> for add {}
    impl ::flytekit::__private::DefaultsFrom<3usize> for add {}
    impl ::flytekit::__private::DefaultsFrom<4usize> for add {}
    impl ::flytekit::__private::DefaultsFrom<5usize> for add {}
    impl ::flytekit::__private::DefaultsFrom<6usize> for add {}
    ::flytekit::__private::inventory::submit! {
        ::flytekit::__private::TaskRegistration(& ENTRY)
    }
};
