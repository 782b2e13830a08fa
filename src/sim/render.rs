//! One representation tree, two wire formats: the simulator builds each answer once and
//! writes it as the engine's XML (JAXB: elements, `href`/`id`/`rel` attributes) or as the
//! engine's JSON (integers and booleans as *strings*, decimals as numbers, dates as epoch
//! milliseconds, a collection as `{"host": [...]}` and an empty one as `{}`).

use serde_json::{Map, Value};

/// A value in a representation.
#[derive(Debug, Clone)]
pub(crate) enum V {
    S(String),
    B(bool),
    I(i64),
    /// `xs:decimal` (statistics datum, CPU speed): a JSON number.
    D(f64),
    /// A date, Unix milliseconds.
    T(i64),
    O(Obj),
    /// Repeated element: XML repeats the element, JSON makes an array.
    L(Vec<Obj>),
}

/// An element: XML attributes (`href`, `id`, `rel`) then child fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct Obj {
    pub(crate) attrs: Vec<(&'static str, String)>,
    pub(crate) fields: Vec<(String, V)>,
}

impl Obj {
    pub(crate) fn new() -> Obj {
        Obj::default()
    }
    /// An identified object: `href` and `id` attributes.
    pub(crate) fn ided(href: String, id: &str) -> Obj {
        Obj {
            attrs: vec![("href", href), ("id", id.to_string())],
            fields: Vec::new(),
        }
    }
    pub(crate) fn attr(mut self, k: &'static str, v: impl Into<String>) -> Obj {
        self.attrs.push((k, v.into()));
        self
    }
    pub(crate) fn s(mut self, k: &str, v: impl Into<String>) -> Obj {
        self.fields.push((k.to_string(), V::S(v.into())));
        self
    }
    pub(crate) fn b(mut self, k: &str, v: bool) -> Obj {
        self.fields.push((k.to_string(), V::B(v)));
        self
    }
    pub(crate) fn i(mut self, k: &str, v: i64) -> Obj {
        self.fields.push((k.to_string(), V::I(v)));
        self
    }
    pub(crate) fn d(mut self, k: &str, v: f64) -> Obj {
        self.fields.push((k.to_string(), V::D(v)));
        self
    }
    pub(crate) fn t(mut self, k: &str, ms: i64) -> Obj {
        self.fields.push((k.to_string(), V::T(ms)));
        self
    }
    pub(crate) fn o(mut self, k: &str, v: Obj) -> Obj {
        self.fields.push((k.to_string(), V::O(v)));
        self
    }
    pub(crate) fn l(mut self, k: &str, v: Vec<Obj>) -> Obj {
        if !v.is_empty() {
            self.fields.push((k.to_string(), V::L(v)));
        }
        self
    }
}

/// A link `<link href="..." rel="..."/>`.
pub(crate) fn link(href: String, rel: &str) -> Obj {
    Obj::new().attr("href", href).attr("rel", rel)
}

/// The XML `dateTime` the engine writes: `2026-12-02T07:41:41.123Z` style with an offset.
pub(crate) fn xml_date(ms: i64) -> String {
    let dt = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+00:00",
        dt.year(),
        dt.month() as u8,
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.millisecond()
    )
}

fn esc(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn xml_obj(name: &str, o: &Obj, depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    out.push_str(&pad);
    out.push('<');
    out.push_str(name);
    for (k, v) in &o.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        esc(v, out);
        out.push('"');
    }
    if o.fields.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for (k, v) in &o.fields {
        xml_field(k, v, depth + 1, out);
    }
    out.push_str(&pad);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

fn xml_leaf(name: &str, text: &str, depth: usize, out: &mut String) {
    out.push_str(&"    ".repeat(depth));
    out.push('<');
    out.push_str(name);
    out.push('>');
    esc(text, out);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

fn xml_field(name: &str, v: &V, depth: usize, out: &mut String) {
    match v {
        V::S(s) => xml_leaf(name, s, depth, out),
        V::B(b) => xml_leaf(name, if *b { "true" } else { "false" }, depth, out),
        V::I(i) => xml_leaf(name, &i.to_string(), depth, out),
        V::D(d) => xml_leaf(name, &decimal(*d), depth, out),
        V::T(t) => xml_leaf(name, &xml_date(*t), depth, out),
        V::O(o) => xml_obj(name, o, depth, out),
        V::L(items) => {
            for o in items {
                xml_obj(name, o, depth, out);
            }
        }
    }
}

fn decimal(d: f64) -> String {
    if d.fract() == 0.0 && d.abs() < 1e15 {
        format!("{d:.1}")
    } else {
        format!("{d}")
    }
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// One object as an XML document.
pub(crate) fn xml_doc(name: &str, o: &Obj) -> String {
    let mut out = String::from(XML_DECL);
    xml_obj(name, o, 0, &mut out);
    out
}

/// A collection `<hosts><host>...</host></hosts>`.
pub(crate) fn xml_collection(plural: &str, singular: &str, items: &[Obj]) -> String {
    let mut out = String::from(XML_DECL);
    if items.is_empty() {
        out.push_str(&format!("<{plural}/>\n"));
        return out;
    }
    out.push_str(&format!("<{plural}>\n"));
    for o in items {
        xml_obj(singular, o, 1, &mut out);
    }
    out.push_str(&format!("</{plural}>\n"));
    out
}

fn json_value(v: &V) -> Value {
    match v {
        V::S(s) => Value::String(s.clone()),
        V::B(b) => Value::String(if *b { "true" } else { "false" }.into()),
        V::I(i) => Value::String(i.to_string()),
        V::D(d) => serde_json::Number::from_f64(*d)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        V::T(t) => Value::Number((*t).into()),
        V::O(o) => json_obj(o),
        V::L(items) => Value::Array(items.iter().map(json_obj).collect()),
    }
}

/// An object as JSON: fields first, then the attributes (`href`, `id`) as plain members.
pub(crate) fn json_obj(o: &Obj) -> Value {
    let mut m = Map::new();
    for (k, v) in &o.fields {
        m.insert(k.clone(), json_value(v));
    }
    for (k, v) in &o.attrs {
        m.insert((*k).to_string(), Value::String(v.clone()));
    }
    Value::Object(m)
}

pub(crate) fn json_doc(o: &Obj) -> String {
    serde_json::to_string_pretty(&json_obj(o)).unwrap_or_else(|_| "{}".into())
}

/// A collection `{"host": [...]}`; `{}` when empty, as the engine writes it.
pub(crate) fn json_collection(singular: &str, items: &[Obj]) -> String {
    let mut m = Map::new();
    if !items.is_empty() {
        m.insert(
            singular.to_string(),
            Value::Array(items.iter().map(json_obj).collect()),
        );
    }
    serde_json::to_string_pretty(&Value::Object(m)).unwrap_or_else(|_| "{}".into())
}

/// Why a request body cannot be read. The text is the 400 answer's detail the engine-like
/// fault carries (clients show it as is): it must not change.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BodyError {
    /// The bytes are not UTF-8.
    #[error("request body is not UTF-8")]
    NotUtf8(#[source] std::str::Utf8Error),
    /// The body looks like JSON (or says so) and does not parse.
    #[error("bad JSON body: {0}")]
    Json(#[source] serde_json::Error),
    /// The JSON body is an array, a string… not an object.
    #[error("JSON body is not an object")]
    JsonNotObject,
    /// An attribute of a tag is malformed (duplicate, no value…).
    #[error("bad XML attribute: {0}")]
    Attribute(#[source] quick_xml::events::attributes::AttrError),
    /// An attribute's value cannot be unescaped.
    #[error("bad XML attribute value: {0}")]
    AttributeValue(#[source] quick_xml::Error),
    /// The XML does not parse.
    #[error("bad XML body: {0}")]
    Xml(#[source] quick_xml::Error),
    /// A character reference (`&#xZZ;`) names no character.
    #[error("bad XML character reference: {0}")]
    CharRef(#[source] quick_xml::Error),
    /// An entity other than the five XML predefines.
    #[error("unknown XML entity &{name};")]
    UnknownEntity {
        /// The entity's name.
        name: String,
    },
    /// An end tag without its start tag.
    #[error("unbalanced XML")]
    Unbalanced,
    /// A start tag without its end tag.
    #[error("unterminated XML element")]
    Unterminated,
    /// The root element holds text only.
    #[error("XML body has no elements")]
    NoElements,
    /// No element at all.
    #[error("empty XML body")]
    Empty,
}

/// Parses a request body (XML or JSON) into one JSON-like tree: XML elements become
/// members, attributes too, leaf text becomes a string. The root element name is dropped
/// (`<action>...</action>` and `{...}` read the same).
pub(crate) fn parse_body(body: &[u8], content_type: &str) -> Result<Value, BodyError> {
    let text = std::str::from_utf8(body).map_err(BodyError::NotUtf8)?;
    if text.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let looks_json = text.trim_start().starts_with('{');
    if content_type.contains("json") || looks_json {
        let v: Value = serde_json::from_str(text).map_err(BodyError::Json)?;
        if !v.is_object() {
            return Err(BodyError::JsonNotObject);
        }
        return Ok(v);
    }
    parse_xml(text)
}

fn parse_xml(text: &str) -> Result<Value, BodyError> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(text);
    // Stack of (name, members, text).
    let mut stack: Vec<(String, Map<String, Value>, String)> = Vec::new();
    let mut root: Option<Value> = None;
    let attrs_of =
        |e: &quick_xml::events::BytesStart<'_>| -> Result<Map<String, Value>, BodyError> {
            let mut m = Map::new();
            for a in e.attributes() {
                let a = a.map_err(BodyError::Attribute)?;
                let k = a.key.as_ref().to_string();
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(BodyError::AttributeValue)?
                    .into_owned();
                m.insert(k, Value::String(v));
            }
            Ok(m)
        };
    loop {
        let ev = r.read_event().map_err(BodyError::Xml)?;
        match ev {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                stack.push((name, attrs_of(&e)?, String::new()));
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                let m = attrs_of(&e)?;
                let v = Value::Object(m);
                match stack.last_mut() {
                    Some(parent) => insert(&mut parent.1, name, v),
                    None => root = Some(v),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    // References come as their own events: the text has none left.
                    top.2.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(g) => {
                if let Some(top) = stack.last_mut() {
                    if let Some(c) = g.resolve_char_ref().map_err(BodyError::CharRef)? {
                        top.2.push(c);
                        continue;
                    }
                    let name = g.xml10_content();
                    let s = match name.as_ref() {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        other => {
                            return Err(BodyError::UnknownEntity {
                                name: other.to_string(),
                            })
                        }
                    };
                    top.2.push_str(s);
                }
            }
            Event::End(_) => {
                let Some((name, m, text)) = stack.pop() else {
                    return Err(BodyError::Unbalanced);
                };
                let v = if m.is_empty() {
                    Value::String(text.trim().to_string())
                } else {
                    Value::Object(m)
                };
                match stack.last_mut() {
                    Some(parent) => insert(&mut parent.1, name, v),
                    None => root = Some(v),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(BodyError::Unterminated);
    }
    match root {
        Some(Value::Object(m)) => Ok(Value::Object(m)),
        Some(Value::String(s)) if s.is_empty() => Ok(Value::Object(Map::new())),
        Some(_) => Err(BodyError::NoElements),
        None => Err(BodyError::Empty),
    }
}

fn insert(m: &mut Map<String, Value>, k: String, v: Value) {
    match m.get_mut(&k) {
        Some(Value::Array(a)) => a.push(v),
        Some(existing) => {
            let old = existing.take();
            *existing = Value::Array(vec![old, v]);
        }
        None => {
            m.insert(k, v);
        }
    }
}

/// A member of a parsed body as text (strings, numbers and booleans alike, since the
/// engine's JSON quotes them and clients may or may not).
pub(crate) fn text_of<'a>(v: &'a Value, path: &[&str]) -> Option<String> {
    let mut cur: &'a Value = v;
    for p in path {
        cur = cur.get(p)?;
    }
    match cur {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_quotes_integers_and_booleans() {
        let o = Obj::ided("/ovirt-engine/api/hosts/1".into(), "1")
            .s("name", "h1")
            .i("memory", 42)
            .b("update_available", false)
            .d("datum", 2.5)
            .t("time", 1000);
        let v = json_obj(&o);
        assert_eq!(v["memory"], "42");
        assert_eq!(v["update_available"], "false");
        assert_eq!(v["datum"], 2.5);
        assert_eq!(v["time"], 1000);
        assert_eq!(v["id"], "1");
        assert_eq!(json_collection("host", &[]), "{}");
    }

    #[test]
    fn xml_attributes_and_lists() {
        let o = Obj::ided("/h/1".into(), "1")
            .s("name", "a<b")
            .l("link", vec![link("/x".into(), "x"), link("/y".into(), "y")]);
        let x = xml_doc("host", &o);
        assert!(x.contains("<host href=\"/h/1\" id=\"1\">"), "{x}");
        assert!(x.contains("<name>a&lt;b</name>"));
        assert!(x.contains("<link href=\"/x\" rel=\"x\"/>"));
        assert!(x.contains("<link href=\"/y\" rel=\"y\"/>"));
    }

    #[test]
    fn bodies_parse_alike() {
        let x = parse_body(
            b"<action><async>false</async><reason>cert &amp; key</reason><host id=\"7\"/></action>",
            "application/xml",
        )
        .unwrap();
        assert_eq!(text_of(&x, &["async"]).as_deref(), Some("false"));
        assert_eq!(text_of(&x, &["reason"]).as_deref(), Some("cert & key"));
        assert_eq!(text_of(&x, &["host", "id"]).as_deref(), Some("7"));
        let j = parse_body(b"{\"async\": false}", "application/json").unwrap();
        assert_eq!(text_of(&j, &["async"]).as_deref(), Some("false"));
        assert!(parse_body(b"<action>", "application/xml").is_err());
        assert!(parse_body(b"<action/>", "application/xml").is_ok());
        assert!(parse_body(b"", "").is_ok());
        assert!(parse_body(b"[1]", "application/json").is_err());
    }

    #[test]
    fn xml_references_attributes_and_refusals() {
        // Character references and escaped attribute values (quick-xml >= 0.41 API).
        let x = parse_body(
            b"<action><reason>a&#x20;&#98;&lt;c</reason><host id=\"&quot;7&quot;\"/></action>",
            "application/xml",
        )
        .unwrap();
        assert_eq!(text_of(&x, &["reason"]).as_deref(), Some("a b<c"));
        assert_eq!(text_of(&x, &["host", "id"]).as_deref(), Some("\"7\""));
        // Unknown entities, duplicate attributes and bad character references are refused.
        let e = parse_body(b"<a>&nope;</a>", "application/xml").unwrap_err();
        assert!(
            matches!(&e, BodyError::UnknownEntity { name } if name == "nope"),
            "{e:?}"
        );
        assert_eq!(e.to_string(), "unknown XML entity &nope;");
        let e = parse_body(b"<a x=\"1\" x=\"2\"/>", "application/xml").unwrap_err();
        assert!(matches!(e, BodyError::Attribute(_)), "{e:?}");
        assert!(e.to_string().starts_with("bad XML attribute: "), "{e}");
        let e = parse_body(b"<a>&#xZZ;</a>", "application/xml").unwrap_err();
        assert!(matches!(e, BodyError::CharRef(_)), "{e:?}");
        assert!(
            e.to_string().starts_with("bad XML character reference: "),
            "{e}"
        );
        // Many distinct attributes on one tag (RUSTSEC-2026-0194 made this quadratic) parse.
        let mut big = String::from("<a");
        for i in 0..20_000 {
            big.push_str(&format!(" k{i}=\"v\""));
        }
        big.push_str("/>");
        let v = parse_body(big.as_bytes(), "application/xml").unwrap();
        assert_eq!(text_of(&v, &["k19999"]).as_deref(), Some("v"));
    }

    /// The 400 answer's detail is the error's text, worded as the simulator always did: each
    /// refusal keeps its evidence (the parser's error as its source).
    #[test]
    fn a_refused_body_keeps_its_evidence_and_its_wire_text() {
        use std::error::Error as _;
        let cases: [(&[u8], &str, &str); 6] = [
            (b"\xff\xfe", "", "request body is not UTF-8"),
            (b"[1]", "application/json", "JSON body is not an object"),
            (b"<a>", "application/xml", "unterminated XML element"),
            (b"<a>x</a>", "application/xml", "XML body has no elements"),
            (b"just text", "application/xml", "empty XML body"),
            (
                b"<a><b>x</b>",
                "application/xml",
                "unterminated XML element",
            ),
        ];
        for (body, ctype, text) in cases {
            let e = parse_body(body, ctype).unwrap_err();
            assert_eq!(e.to_string(), text, "{body:?}");
        }
        let e = parse_body(b"\xff", "").unwrap_err();
        assert!(e.source().is_some_and(|s| s.is::<std::str::Utf8Error>()));
        let e = parse_body(b"{\"a\": ", "application/json").unwrap_err();
        let BodyError::Json(j) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(e.to_string(), format!("bad JSON body: {j}"));
        assert!(j.is_eof());
        let e = parse_body(b"<a></b>", "application/xml").unwrap_err();
        assert!(matches!(e, BodyError::Xml(_)), "{e:?}");
        assert!(e.to_string().starts_with("bad XML body: "), "{e}");
    }
}
