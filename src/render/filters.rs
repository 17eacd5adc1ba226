//! Escaping, one named Tera filter per output language. Every value that reaches
//! a template goes through one of these, so a description, an origin or a header
//! name can never break out of its string literal (tests below feed them hostile
//! input). Templates never quote values themselves.

use tera::{Kwargs, State, Tera, Value};

mod block;
mod memo;

/// The error of a string filter given another kind of value (a template bug).
fn not_a_string(filter: &str, v: &Value) -> tera::Error {
    tera::Error::message(format!(
        "filter `{filter}` expects a string, got {}",
        v.name()
    ))
}

pub fn register(tera: &mut Tera) {
    tera.register_filter("hcl", |v: &Value, _: Kwargs, _: &State| {
        memo::escaped(memo::Filter::Hcl, v, hcl_string).ok_or_else(|| not_a_string("hcl", v))
    });
    tera.register_filter("hcl_list", |v: Vec<String>, _: Kwargs, _: &State| {
        hcl_list(&v)
    });
    tera.register_filter("hcl_heredoc", |v: &Value, kwargs: Kwargs, _: &State| {
        // `indent`: the attribute's own indentation (a local's is 2).
        match kwargs.get::<usize>("indent")? {
            Some(indent) => match v.as_str() {
                Some(s) => Ok::<Value, tera::Error>(Value::from(hcl_heredoc_at(s, indent))),
                None => Err(not_a_string("hcl_heredoc", v)),
            },
            None => memo::escaped(memo::Filter::HclHeredoc, v, hcl_heredoc)
                .ok_or_else(|| not_a_string("hcl_heredoc", v)),
        }
    });
    tera.register_filter("response_block", |v: &Value, kwargs: Kwargs, _: &State| {
        block::render(v, kwargs)
    });
    tera.register_filter("yaml", |v: &Value, _: Kwargs, _: &State| {
        memo::escaped(memo::Filter::Yaml, v, yaml_string).ok_or_else(|| not_a_string("yaml", v))
    });
    tera.register_filter("yaml_list", |v: Vec<String>, _: Kwargs, _: &State| {
        yaml_list(&v)
    });
    tera.register_filter("json", |v: &Value, _: Kwargs, _: &State| {
        json_literal(&to_json(v))
    });
    tera.register_filter("py", |v: &Value, _: Kwargs, _: &State| {
        python_literal(&to_json(v), 0)
    });
    // The CloudFormation form of an id; `derive::ids` allocates ids so that
    // this form is unique too.
    tera.register_filter("pascal", |s: &str, _: Kwargs, _: &State| {
        crate::derive::ids::pascal(s)
    });
    tera.register_filter("openapi_method", |s: &str, _: Kwargs, _: &State| {
        openapi_method(s)
    });
    tera.register_filter("lambda_invocation_uri", |s: &str, _: Kwargs, _: &State| {
        lambda_invocation_uri(s)
    });
    tera.register_filter(
        "openapi_path_params",
        |s: &str, kwargs: Kwargs, _: &State| {
            let greedy_plus = kwargs.get::<bool>("greedy_plus")?.unwrap_or(false);
            Ok::<Vec<String>, tera::Error>(openapi_path_params(s, greedy_plus))
        },
    );
    tera.register_filter("comment", |s: &str, _: Kwargs, _: &State| one_line(s));
    tera.register_filter("num", |v: &Value, _: Kwargs, _: &State| v.to_string());
    // The `openapi` target binds backends through stage variables.
    tera.register_filter(
        "stage_variable_lambda_uri",
        |v: &Value, _: Kwargs, _: &State| crate::openapi::stage_variables::lambda_uri(v.as_str()),
    );
    tera.register_filter(
        "stage_variable_http_base",
        |v: &Value, _: Kwargs, _: &State| crate::openapi::stage_variables::http_base(v.as_str()),
    );
    tera.register_filter(
        "stage_variable_function_arn",
        |v: &Value, _: Kwargs, _: &State| crate::openapi::stage_variables::function_arn(v.as_str()),
    );
    tera.register_filter("stage_variable_host", |v: &Value, _: Kwargs, _: &State| {
        crate::openapi::stage_variables::host(v.as_str())
    });
    // Tera does not re-indent an include: a partial written at one depth is
    // reused at a shallower one inside `{% filter dedent(by=N) %}`.
    tera.register_filter("dedent", |s: &str, kwargs: Kwargs, _: &State| {
        let by = kwargs.get::<usize>("by")?.unwrap_or(0);
        Ok::<String, tera::Error>(dedent(s, by))
    });
    tera.register_filter("cfn", |v: &Value, _: Kwargs, _: &State| {
        cfn_value(&to_json(v))
    });
}

/// Each line of `s` without up to `by` leading spaces (never more than it has,
/// so a line's own text is never cut).
pub fn dedent(s: &str, by: usize) -> String {
    s.split_inclusive('\n')
        .map(|line| {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            &line[spaces.min(by)..]
        })
        .collect()
}

/// A CloudFormation value in YAML flow style, on one line: a per-environment
/// value (`derive::environments::EnvValue`: `Fn::FindInMap` on the
/// `Environments` Mapping, or an `Fn::If` chain on each environment's
/// Condition, `AWS::NoValue` where an environment sends nothing) or a plain
/// string, list, boolean or number.
pub fn cfn_value(v: &serde_json::Value) -> String {
    use serde_json::Value as J;
    const NO_VALUE: &str = r#"{"Ref": "AWS::NoValue"}"#;
    let leaf = |v: &J| -> String {
        match v {
            J::Null => NO_VALUE.to_string(),
            J::String(s) => yaml_string(s),
            J::Array(items) => format!(
                "[{}]",
                items.iter().map(cfn_value).collect::<Vec<_>>().join(", ")
            ),
            other => other.to_string(),
        }
    };
    let J::Object(o) = v else {
        return leaf(v);
    };
    if let Some(l) = o.get("literal") {
        return leaf(l);
    }
    if let Some(J::String(key)) = o.get("find_in_map") {
        return format!(
            r#"{{"Fn::FindInMap": ["Environments", {{"Ref": "Environment"}}, {}]}}"#,
            yaml_string(key)
        );
    }
    let chain: Vec<(String, J)> = o
        .get("if_chain")
        .and_then(|c| serde_json::from_value(c.clone()).ok())
        .unwrap_or_default();
    let mut out = match chain.last() {
        Some((_, last)) => leaf(last),
        None => NO_VALUE.to_string(),
    };
    for (cond, value) in chain.iter().rev().skip(1) {
        out = format!(
            r#"{{"Fn::If": [{}, {}, {out}]}}"#,
            yaml_string(cond),
            leaf(value)
        );
    }
    out
}

/// The path parameters an operation on `path` declares, in path order.
///
/// OpenAPI 3.0.3 "Parameter Object" and Swagger 2.0 alike: a path template's
/// every `{name}` must be declared by each operation (or its path item), `in:
/// path`, `required: true`; openapi-spec-validator refuses a document that
/// leaves one out. A greedy `{proxy+}` is the exception where the two readers
/// disagree: API Gateway REST imports name its method request parameter
/// `proxy` (developer guide, "x-amazon-apigateway-any-method object" example;
/// our HTTP proxy integrations map `method.request.path.proxy`), so REST
/// documents declare `proxy` (`greedy_plus = false`); HTTP APIs have no method
/// request parameters and API Gateway's own HTTP API export declares
/// `proxy+`, the template's name, which the validator wants
/// (`greedy_plus = true`). A path that does not parse has none (validation
/// refuses such paths before anything renders).
pub fn openapi_path_params(path: &str, greedy_plus: bool) -> Vec<String> {
    use crate::model::{ApiPath, Segment};
    let Ok(parsed) = ApiPath::parse(path) else {
        return Vec::new();
    };
    parsed
        .segments
        .into_iter()
        .filter_map(|s| match s {
            Segment::Literal(_) => None,
            Segment::Param(p) => Some(p),
            Segment::Greedy(p) if greedy_plus => Some(format!("{p}+")),
            Segment::Greedy(p) => Some(p),
        })
        .collect()
}

/// The OpenAPI operation key of a method: the lower-case method, or API
/// Gateway's extension for `ANY` (API Gateway developer guide,
/// "x-amazon-apigateway-any-method object").
pub fn openapi_method(method: &str) -> String {
    if method == "ANY" {
        "x-amazon-apigateway-any-method".into()
    } else {
        method.to_ascii_lowercase()
    }
}

/// The `Fn::Sub` string of the URI API Gateway invokes a Lambda function
/// through, for the function ARN in the CloudFormation parameter `param`
/// (API Gateway developer guide, "Set up Lambda proxy integrations": the
/// integration URI `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`).
/// One spelling for CloudFormation and SAM, integrations and authorizers alike.
pub fn lambda_invocation_uri(param: &str) -> String {
    format!(
        "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{param}}}/invocations"
    )
}

/// An HCL quoted string. Besides the usual escapes, `${` and `%{` start template
/// interpolation in HCL, so they are doubled to stay literal (HCL native syntax
/// spec, "Template Expressions").
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    // Most strings (ids, header names, mapping expressions) need no escape.
    if s.bytes()
        .all(|b| matches!(b, b' '..=b'~') && !matches!(b, b'\\' | b'"' | b'$' | b'%'))
    {
        out.push_str(s);
        out.push('"');
        return out;
    }
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        // `{` is ASCII, so the next byte tells whether `${`/`%{` follows.
        let brace_next = bytes.get(i + 1) == Some(&b'{');
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if brace_next => out.push_str("$$"),
            '%' if brace_next => out.push_str("%%"),
            c if c.is_control() || unprintable(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn hcl_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| hcl_string(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// An indented HCL heredoc (`<<-EOT`), for multi-line text such as VTL. The
/// body keeps `${` and `%{` literal by doubling them; Terraform strips the
/// common indentation, so the string is exactly `s` (which must end with a
/// newline and contain no line equal to the delimiter).
pub fn hcl_heredoc(s: &str) -> String {
    hcl_heredoc_at(s, 4)
}

/// [`hcl_heredoc`] for an attribute indented by `indent` spaces: the body two
/// spaces deeper, the closing delimiter level with the attribute.
pub fn hcl_heredoc_at(s: &str, indent: usize) -> String {
    let mut out = String::from("<<-EOT\n");
    let body = " ".repeat(indent + 2);
    for line in s.lines() {
        let line = line.replace("${", "$${").replace("%{", "%%{");
        assert!(
            line.trim() != "EOT",
            "heredoc body cannot hold its delimiter"
        );
        out.push_str(&body);
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&" ".repeat(indent));
    out.push_str("EOT");
    out
}

/// A YAML double-quoted scalar. JSON string syntax is valid YAML, but YAML
/// accepts only its printable set in a stream (YAML 1.2.2, 5.1 "Character
/// Set": TAB, LF, CR, x20-x7E, x85, xA0-xD7FF, xE000-xFFFD, x10000-x10FFFF), so
/// DEL, the C1 controls and U+FFFE/U+FFFF are written as `\uXXXX` escapes; so are
/// the line and paragraph separators and NEL (line breaks in YAML 1.1) and the
/// byte order mark (which YAML forbids inside a document).
pub fn yaml_string(s: &str) -> String {
    // Most strings (names, ids, header values) are printable ASCII with no
    // quote or backslash: JSON writes them as they are, between quotes.
    if s.bytes()
        .all(|b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\')
    {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return out;
    }
    escape_unprintable(serde_json::to_string(s).expect("strings serialize"))
}

/// Whether `c` must not appear raw in a generated file: outside YAML's
/// printable set, a Unicode line break, or the byte order mark. Every
/// language corsform writes has a `\uXXXX` escape for these (all are in the
/// BMP: astral characters are printable).
pub fn unprintable(c: char) -> bool {
    let printable = matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}';
    !printable || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// `text` with every [`unprintable`] character replaced by a `\uXXXX` escape;
/// for text that is already inside a JSON-style string literal.
fn escape_unprintable(text: String) -> String {
    // Nearly every string is printable ASCII: returned as it is, without a
    // character-by-character copy (a quarter of a large build's work).
    if text
        .bytes()
        .all(|b| matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r'))
    {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if unprintable(c) && !matches!(c, '\t' | '\n' | '\r') {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

pub fn yaml_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| yaml_string(s)).collect();
    format!("[{}]", inner.join(", "))
}

fn to_json(v: &Value) -> serde_json::Value {
    serde_json::to_value(v).expect("template values are JSON")
}

/// A JavaScript literal: pretty JSON, with U+2028/U+2029 escaped (line breaks
/// to pre-ES2019 parsers and some tooling) and `<` escaped so the text can
/// never close a script element or comment.
pub fn json_literal(v: &serde_json::Value) -> String {
    escape_unprintable(
        serde_json::to_string_pretty(v)
            .expect("JSON serializes")
            .replace('<', "\\u003c"),
    )
}

/// A Python literal: dicts, lists, str (JSON escapes are valid in Python
/// string literals), True/False/None, numbers.
pub fn python_literal(v: &serde_json::Value, indent: usize) -> String {
    use serde_json::Value as J;
    let pad = "    ".repeat(indent + 1);
    let close = "    ".repeat(indent);
    match v {
        J::Null => "None".into(),
        J::Bool(true) => "True".into(),
        J::Bool(false) => "False".into(),
        J::Number(n) => n.to_string(),
        J::String(s) => yaml_string(s),
        J::Array(items) if items.is_empty() => "[]".into(),
        J::Array(items) => {
            let inner: Vec<String> = items
                .iter()
                .map(|i| format!("{pad}{},", python_literal(i, indent + 1)))
                .collect();
            format!("[\n{}\n{close}]", inner.join("\n"))
        }
        J::Object(map) if map.is_empty() => "{}".into(),
        J::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{pad}{}: {},",
                        yaml_string(k),
                        python_literal(v, indent + 1)
                    )
                })
                .collect();
            format!("{{\n{}\n{close}}}", inner.join("\n"))
        }
    }
}

/// Text for a `#` comment: one line, whatever the input.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || unprintable(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast paths write what the general ones do: every printable ASCII
    /// character alone, between letters, and doubled.
    /// Every template parameter, in path order; a greedy one as API
    /// Gateway's REST import names it (`proxy`) or as the template writes it
    /// (`proxy+`, what openapi-spec-validator and HTTP API exports use).
    #[test]
    fn openapi_path_params_name_greedy_parameters_per_api_type() {
        assert_eq!(
            openapi_path_params("/users/{userId}/files/{proxy+}", false),
            ["userId", "proxy"]
        );
        assert_eq!(
            openapi_path_params("/users/{userId}/files/{proxy+}", true),
            ["userId", "proxy+"]
        );
        assert!(openapi_path_params("/health", true).is_empty());
        assert!(openapi_path_params("/", false).is_empty());
    }

    #[test]
    fn fast_paths_agree_with_the_general_escaping() {
        for b in b' '..=b'~' {
            let c = b as char;
            for s in [format!("{c}"), format!("a{c}b"), format!("{c}{c}{{")] {
                let general = escape_unprintable(serde_json::to_string(&s).unwrap());
                assert_eq!(yaml_string(&s), general, "{s:?}");
            }
        }
        assert_eq!(yaml_string("\u{7f}"), "\"\\u007f\"");
        assert_eq!(hcl_string("a${b}%{c}\"d\\"), r#""a$${b}%%{c}\"d\\""#);
        assert_eq!(hcl_string("plain-text_1.2"), "\"plain-text_1.2\"");
    }

    const HOSTILE: &[&str] = &[
        "plain",
        "quote \" and backslash \\",
        "${var.secret} and %{ if true }x%{ endif }",
        "$${already} $ { spaced",
        "line\nbreak\r\ttab",
        "#set($x = 1) $context.x",
        "\u{0}\u{7}\u{1b}[31m",
        "yaml: {a: [b]} - &anchor *alias !tag",
        "unicode \u{2028} sep \u{2029} nel \u{85} é 漢",
        "'single' \"double\" `back`",
        // Outside YAML's printable set (issue 12): DEL, C1 controls, noncharacters.
        "del \u{7f} c1 \u{80}\u{9f} non \u{fffe}\u{ffff} bom \u{feff} astral \u{1f600}",
    ];

    #[test]
    fn hcl_strings_parse_back_to_the_input() {
        for s in HOSTILE {
            let src = format!("x = {}\n", hcl_string(s));
            let body: hcl::Body =
                hcl::from_str(&src).unwrap_or_else(|e| panic!("{s:?}: {e}\n{src}"));
            let attr = body.attributes().next().unwrap();
            match &attr.expr {
                hcl::Expression::String(v) => assert_eq!(v, s),
                hcl::Expression::TemplateExpr(t) => {
                    // A template with no interpolation evaluates to its literal text.
                    let tpl = hcl::template::Template::from_expr(t).unwrap();
                    let text: String = tpl
                        .elements()
                        .iter()
                        .map(|e| match e {
                            hcl::template::Element::Literal(l) => l.clone(),
                            other => panic!("{s:?} produced an interpolation: {other:?}"),
                        })
                        .collect();
                    assert_eq!(text.replace("$${", "${").replace("%%{", "%{"), *s);
                }
                other => panic!("{s:?}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn hcl_never_emits_a_live_interpolation() {
        for s in HOSTILE {
            let q = hcl_string(s);
            let bare = q.replace("$${", "").replace("%%{", "");
            assert!(!bare.contains("${") && !bare.contains("%{"), "{q}");
            assert!(!q[1..q.len() - 1].contains('\n'));
        }
    }

    #[test]
    fn heredocs_parse_back_to_the_input() {
        let body = "#set($o = $input.params().header.get('Origin'))\n#if(\"$!o\" == \"\")${not} %{ if }#end\n";
        let src = format!("m = {{\n  \"k\" = {}\n}}\n", hcl_heredoc(body));
        let parsed: hcl::Body = hcl::from_str(&src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let hcl::Expression::Object(obj) = &parsed.attributes().next().unwrap().expr else {
            panic!("{src}")
        };
        let expr = obj.values().next().unwrap();
        let hcl::Expression::TemplateExpr(t) = expr else {
            panic!("{expr:?}")
        };
        let tpl = hcl::template::Template::from_expr(t).unwrap();
        let text: String = tpl
            .elements()
            .iter()
            .map(|e| match e {
                hcl::template::Element::Literal(l) => l.clone(),
                other => panic!("interpolation in heredoc: {other:?}"),
            })
            .collect();
        assert_eq!(text.replace("$${", "${").replace("%%{", "%{"), body);
    }

    #[test]
    fn yaml_strings_parse_back_to_the_input() {
        for s in HOSTILE {
            let doc = format!(
                "k: {}\nl: {}\n",
                yaml_string(s),
                yaml_list(&[s.to_string(), "b".into()])
            );
            let v: serde_yaml_ng::Value =
                serde_yaml_ng::from_str(&doc).unwrap_or_else(|e| panic!("{s:?}: {e}\n{doc}"));
            assert_eq!(v["k"].as_str(), Some(*s), "{doc}");
            assert_eq!(v["l"][0].as_str(), Some(*s), "{doc}");
            assert!(!yaml_string(s).contains('\n'));
        }
    }

    #[test]
    fn js_and_python_literals_round_trip_hostile_strings() {
        let v = serde_json::json!({ "s": HOSTILE, "n": null, "b": [true, false], "i": 7 });
        let js = json_literal(&v);
        let back: serde_json::Value = serde_json::from_str(&js).unwrap();
        assert_eq!(back, v);
        assert!(!js.contains('<') && !js.contains('\u{2028}'));
        let py = python_literal(&v, 0);
        // Each string appears as its JSON-escaped form, which Python reads as the same string.
        for s in HOSTILE {
            assert!(py.contains(&yaml_string(s)), "{s:?}");
        }
        assert!(py.contains("None") && py.contains("True") && py.contains("False"));
    }

    #[test]
    fn dedent_removes_at_most_the_spaces_a_line_has() {
        assert_eq!(
            dedent("        a:\n          b\n  c\n\n", 8),
            "a:\n  b\nc\n\n"
        );
        for s in HOSTILE {
            // Only indentation goes; the text after it is never touched.
            assert_eq!(dedent(&format!("      {s}"), 4), format!("  {s}"));
        }
    }

    #[test]
    fn comments_stay_on_one_line() {
        for s in HOSTILE {
            assert!(!one_line(s).contains(['\n', '\r', '\u{2028}']));
        }
    }

    #[test]
    fn cfn_values_spell_mappings_if_chains_and_no_value() {
        use serde_json::json;
        assert_eq!(cfn_value(&json!({"literal": "a\"b"})), r#""a\"b""#);
        assert_eq!(
            cfn_value(&json!({"literal": null})),
            r#"{"Ref": "AWS::NoValue"}"#
        );
        assert_eq!(
            cfn_value(&json!({"find_in_map": "Stage"})),
            r#"{"Fn::FindInMap": ["Environments", {"Ref": "Environment"}, "Stage"]}"#
        );
        assert_eq!(
            cfn_value(&json!({"if_chain": [["IsA", 1], ["IsB", null], ["IsC", 3]]})),
            r#"{"Fn::If": ["IsA", 1, {"Fn::If": ["IsB", {"Ref": "AWS::NoValue"}, 3]}]}"#
        );
        assert_eq!(cfn_value(&json!(["x", "y"])), r#"["x", "y"]"#);
        let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(&format!(
            "k: {}",
            cfn_value(&json!({"if_chain": [["IsA", "'\u{2028}'"], ["IsB", null]]}))
        ))
        .unwrap();
        assert!(parsed.get("k").is_some());
    }
}
