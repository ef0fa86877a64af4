fn pipeline(x: i64, xs: Vec<i64>) -> (i64, Vec<i64>) {
    let __outputs = ::flytekit::__private::run_workflow(
        <pipeline as ::flytekit::__private::Workflow>::entry(),
        &[
            ("x", ::flytekit::__private::FlyteType::to_literal(&x)),
            ("xs", ::flytekit::__private::FlyteType::to_literal(&xs)),
        ],
    );
    (
        ::flytekit::__private::glue::workflow_output::<i64>(&__outputs, "o0"),
        ::flytekit::__private::glue::workflow_output::<Vec<i64>>(&__outputs, "o1"),
    )
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct pipeline {}
const _: () = {
    static ENTRY: ::flytekit::__private::WorkflowEntry = ::flytekit::__private::WorkflowEntry {
        module_path: ::core::module_path!(),
        fn_name: "pipeline",
        name_override: ::core::option::Option::None,
        file: ::core::file!(),
        line: ::core::line!(),
        short_description: "",
        long_description: "",
        source_code: "",
        build,
        defaults: ::core::option::Option::None,
    };
    #[allow(unused_variables, clippy::let_unit_value, clippy::unit_arg)]
    fn build(__b: &mut ::flytekit::__private::WorkflowBuilder) {
        let x: ::flytekit::__private::Promise<i64> = __b.input::<i64>("x", "");
        let xs: ::flytekit::__private::Promise<Vec<i64>> = __b
            .input::<Vec<i64>>("xs", "");
        let a = {
            let __arg0 = x;
            __b.call::<add>()
                .bind::<0usize, _>(__arg0)
                .defaults_from::<1usize>()
                .retries(3)
                .finish()
        };
        let (lo, hi) = {
            let __arg0 = a;
            __b.call::<split>()
                .bind::<0usize, _>(__arg0)
                .defaults_from::<1usize>()
                .finish()
        };
        let out = ::flytekit::__private::Branch::new(&mut *__b, "out")
            .case(
                |__b: &mut ::flytekit::__private::WorkflowBuilder| {
                    let __left = hi;
                    let __right = 10;
                    ::flytekit::__private::compare(
                        &mut *__b,
                        ::flytekit::__private::Compare::Gt,
                        __left,
                        __right,
                    )
                },
                |__b: &mut ::flytekit::__private::WorkflowBuilder| {
                    let __arg0 = lo;
                    __b.call::<double>()
                        .bind::<0usize, _>(__arg0)
                        .defaults_from::<1usize>()
                        .finish()
                },
            )
            .fail("too small")
            .finish();
        let squares = {
            let __arg0 = xs;
            ::flytekit::__private::MapCall::<square>::new(&mut *__b)
                .map::<0usize, _>(__arg0)
                .defaults_from::<1usize>()
                .finish()
        };
        let __outputs = (out, squares);
        __b.output::<i64>("o0", __outputs.0);
        __b.output::<Vec<i64>>("o1", __outputs.1);
    }
    impl ::flytekit::__private::Entity for pipeline {
        type Promises = (
            ::flytekit::__private::Promise<i64>,
            ::flytekit::__private::Promise<Vec<i64>>,
        );
        const CALLEE: &'static ::flytekit::__private::Callee = &::flytekit::__private::Callee {
            input_names: &["x", "xs"],
            output_names: &["o0", "o1"],
            kind: ::flytekit::__private::CalleeKind::Workflow(&ENTRY),
        };
    }
    impl ::flytekit::__private::EntityInput<0usize> for pipeline {
        type Type = i64;
    }
    impl ::flytekit::__private::EntityInput<1usize> for pipeline {
        type Type = Vec<i64>;
    }
    impl ::flytekit::__private::DefaultsFrom<2usize> for pipeline {}
    impl ::flytekit::__private::DefaultsFrom<3usize> for pipeline {}
    impl ::flytekit::__private::DefaultsFrom<4usize> for pipeline {}
    impl ::flytekit::__private::DefaultsFrom<5usize> for pipeline {}
    impl ::flytekit::__private::DefaultsFrom<6usize> for pipeline {}
    impl ::flytekit::__private::Workflow for pipeline {
        fn entry() -> &'static ::flytekit::__private::WorkflowEntry {
            &ENTRY
        }
    }
    #[::flytekit::__private::linkme::distributed_slice(
        ::flytekit::__private::FLYTEKIT_WORKFLOWS
    )]
    #[linkme(crate = ::flytekit::__private::linkme)]
    static __REGISTRATION: ::flytekit::__private::WorkflowRegistration = ::flytekit::__private::WorkflowRegistration(
        &ENTRY,
    );
};
