//! Every template, embedded in the binary at compile time, by its name under
//! `templates/`.

pub const ALL: &[(&str, &str)] = &[
    (
        "terraform/http/main.tf",
        include_str!("../../templates/terraform/http/main.tf.tera"),
    ),
    (
        "terraform/http/variables.tf",
        include_str!("../../templates/terraform/http/variables.tf.tera"),
    ),
    (
        "terraform/http/outputs.tf",
        include_str!("../../templates/terraform/http/outputs.tf.tera"),
    ),
    (
        "terraform/http/versions.tf",
        include_str!("../../templates/terraform/versions.tf.tera"),
    ),
    (
        "sam/http/template.yaml",
        include_str!("../../templates/sam/http/template.yaml.tera"),
    ),
    (
        "cloudformation/http/template.yaml",
        include_str!("../../templates/cloudformation/http/template.yaml.tera"),
    ),
];
