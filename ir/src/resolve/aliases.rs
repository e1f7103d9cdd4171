//! Type aliases of return types, seen through to what they stand for.

use super::*;

/// Replaces a return type that is a scanned type alias (`ApiResult<Todo>` for
/// `type ApiResult<T> = Result<Json<T>, ApiError>`) with what it stands for.
pub(super) fn see_through_aliases(
    route: &mut Route,
    aliases: &BTreeMap<String, Alias>,
    errors: &mut Vec<Error>,
) {
    // Aliases of aliases resolve in a few steps; the bound stops a cycle.
    for _ in 0..8 {
        let Some(index) = route
            .unsupported
            .iter()
            .position(|u| u.kind == UnsupportedKind::Response && aliases.contains_key(&u.name))
        else {
            return;
        };
        let written = route.unsupported.remove(index);
        let Ok(ty) = syn::parse_str::<syn::Type>(&written.ty) else {
            return;
        };
        let alias = &aliases[&written.name];
        let args: Vec<syn::Type> = match &ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .last()
                .and_then(|s| match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => Some(
                        a.args
                            .iter()
                            .filter_map(|g| match g {
                                syn::GenericArgument::Type(t) => Some(t.clone()),
                                _ => None,
                            })
                            .collect(),
                    ),
                    _ => None,
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut target = alias.target.clone();
        let mut substitute = Substitute {
            params: &alias.params,
            args: &args,
        };
        syn::visit_mut::VisitMut::visit_type_mut(&mut substitute, &mut target);
        match crate::parse::response_of_type(&target) {
            Ok((response, error, untyped)) => {
                route.response = response;
                if error.is_some() {
                    route.error = error;
                }
                if untyped {
                    route.unsupported.push(Unsupported {
                        name: crate::parse::route_type_name(&target),
                        ty: crate::parse::route_type_text(&target),
                        ..written
                    });
                }
            }
            Err(e) => errors.push(Error::new(written.loc, e.to_string())),
        }
    }
}

/// Puts an alias' type arguments in place of its parameters.
pub(super) struct Substitute<'a> {
    params: &'a [String],
    args: &'a [syn::Type],
}

impl syn::visit_mut::VisitMut for Substitute<'_> {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if let syn::Type::Path(p) = ty
            && p.qself.is_none()
            && let Some(ident) = p.path.get_ident()
            && let Some(i) = self.params.iter().position(|param| ident == param)
            && let Some(arg) = self.args.get(i)
        {
            *ty = arg.clone();
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}
