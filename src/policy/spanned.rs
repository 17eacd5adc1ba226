//! [`Sp<T>`]: a value with the byte range it came from. It wraps
//! `toml::Spanned` (which does the span capture during deserialisation) and
//! forwards `JsonSchema` to `T`, so raw policy types can derive both serde and
//! schemars without per-field attributes.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::ops::{Deref, Range};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sp<T>(pub toml::Spanned<T>);

impl<T> Sp<T> {
    pub fn span(&self) -> Range<usize> {
        self.0.span()
    }

    pub fn get(&self) -> &T {
        self.0.get_ref()
    }

    /// A value built by the validator rather than read from the file, given
    /// the span its findings should point at.
    pub fn synthetic(value: T, span: Range<usize>) -> Self {
        Sp(toml::Spanned::new(span, value))
    }
}

impl<T> Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0.get_ref()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        toml::Spanned::<T>::deserialize(d).map(Sp)
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}
