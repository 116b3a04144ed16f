//! `open_enum!`: a protocol registry as an open newtype (rusticata style). Every value is
//! representable; named ones get an associated constant and a `name()`.

/// ```ignore
/// open_enum! {
///     /// doc
///     pub struct NotifyType(u16) {
///         /// doc
///         NO_PROPOSAL_CHOSEN = 14 => "NO_PROPOSAL_CHOSEN",
///     }
/// }
/// ```
/// generates the struct (`Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord`), the constants,
/// `const fn name(self) -> Option<&'static str>`, `From<inner>`, and a `Debug` that shows both
/// the name and the number. `Display` is written by hand per type.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub struct $name:ident($inner:ty) {
            $(
                $(#[$cmeta:meta])*
                $konst:ident = $val:literal => $text:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub $inner);

        impl $name {
            $(
                $(#[$cmeta])*
                pub const $konst: $name = $name($val);
            )*

            /// The registry name of this value, or `None` if it has none.
            #[allow(unreachable_patterns)]
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $val => Some($text), )*
                    _ => None,
                }
            }
        }

        impl From<$inner> for $name {
            fn from(v: $inner) -> Self {
                $name(v)
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.name() {
                    Some(n) => write!(f, "{}({} = {})", stringify!($name), n, self.0),
                    None => write!(f, "{}({})", stringify!($name), self.0),
                }
            }
        }
    };
}

/// `Display` as the registry name, or `"<fallback>(<number>)"` for a value with no name.
macro_rules! display_by_name {
    ($name:ident, $fallback:literal) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, concat!($fallback, "({})"), self.0),
                }
            }
        }
    };
}
