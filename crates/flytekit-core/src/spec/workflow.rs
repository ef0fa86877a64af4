//! Admin [`WorkflowSpec`] of a registered workflow (`NN_<name>_2.pb`): the template the
//! builder made, the templates of every sub-workflow it calls (as Flyte needs them embedded),
//! and the doc comment as its description.

use flytekit_idl::admin::{self, Description, DescriptionEntity, DescriptionFormat, WorkflowSpec};

use crate::workflow::{CompiledWorkflow, WorkflowEntry};

/// The description of an entity from its doc comment, in Markdown (rustdoc's format), with
/// the link to its source when one is given.
pub(crate) fn description(short: &str, long: &str, source_code: &str) -> DescriptionEntity {
    DescriptionEntity {
        short_description: short.to_string(),
        long_description: Some(Description {
            content: (!long.is_empty())
                .then(|| admin::description::Content::Value(long.to_string())),
            format: DescriptionFormat::Markdown as i32,
            ..Default::default()
        }),
        source_code: (!source_code.is_empty()).then(|| admin::SourceCode {
            link: source_code.to_string(),
        }),
        ..Default::default()
    }
}

/// The WorkflowSpec of a built workflow. Identifiers are as the builder left them (resource
/// type and name); [`super::fill_workflow_spec`] adds project, domain and version.
pub fn workflow_spec(entry: &WorkflowEntry, compiled: &CompiledWorkflow) -> WorkflowSpec {
    WorkflowSpec {
        template: Some(compiled.template.clone()),
        sub_workflows: compiled.sub_workflows.clone(),
        description: Some(description(
            entry.short_description,
            entry.long_description,
            entry.source_code,
        )),
    }
}
