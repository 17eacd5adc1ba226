//! The output targets `build --target` accepts, and which files each one writes.

use clap::ValueEnum;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum)]
pub enum Target {
    /// A Terraform module: main.tf, variables.tf, outputs.tf, versions.tf.
    Terraform,
    /// A SAM template (template.yaml).
    Sam,
    /// A plain CloudFormation template (template.yaml).
    Cloudformation,
    /// CORS helper for a Node.js Lambda proxy function (cors.mjs).
    LambdaNode,
    /// CORS helper for a Python Lambda proxy function (cors.py).
    LambdaPython,
}

impl Target {
    pub const ALL: &'static [Target] = &[
        Target::Terraform,
        Target::Sam,
        Target::Cloudformation,
        Target::LambdaNode,
        Target::LambdaPython,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Terraform => "terraform",
            Target::Sam => "sam",
            Target::Cloudformation => "cloudformation",
            Target::LambdaNode => "lambda-node",
            Target::LambdaPython => "lambda-python",
        }
    }

    /// `(output file, template name)` pairs for one API flavour (`http`, `rest`).
    pub fn files(self, flavour: &str) -> Vec<(&'static str, String)> {
        let names: &[&'static str] = match self {
            Target::Terraform => &["main.tf", "variables.tf", "outputs.tf", "versions.tf"],
            Target::Sam | Target::Cloudformation => &["template.yaml"],
            Target::LambdaNode => &["cors.mjs"],
            Target::LambdaPython => &["cors.py"],
        };
        names
            .iter()
            .map(|f| match *f {
                // One versions.tf serves both API types.
                "versions.tf" => (*f, "terraform/versions.tf".to_string()),
                // The helpers do not depend on the API type.
                "cors.mjs" | "cors.py" => (*f, format!("{}/{f}", self.name())),
                _ => (*f, format!("{}/{flavour}/{f}", self.name())),
            })
            .collect()
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
