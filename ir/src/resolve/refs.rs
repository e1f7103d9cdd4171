//! Walking the type references of routes and types.

use super::*;

pub(super) fn route_refs(route: &Route) -> impl Iterator<Item = &TypeRef> {
    route
        .path_params
        .iter()
        .map(|p| &p.ty)
        .chain(route.query.iter())
        .chain(route.body.iter())
        .chain(match &route.response {
            Response::Json(t) => Some(t),
            Response::Empty => None,
        })
        .chain(route.error.iter())
}

pub(super) fn bare_value_is_json(r: &mut TypeRef) {
    match r {
        TypeRef::Named { name, args } if name == "Value" && args.is_empty() => *r = TypeRef::Json,
        TypeRef::Named { args, .. } => args.iter_mut().for_each(bare_value_is_json),
        TypeRef::Option(inner)
        | TypeRef::Boxed(inner)
        | TypeRef::List(inner)
        | TypeRef::Map(inner) => {
            bare_value_is_json(inner);
        }
        TypeRef::Tuple(items) => items.iter_mut().for_each(bare_value_is_json),
        _ => {}
    }
}

pub(super) fn route_refs_mut(route: &mut Route) -> impl Iterator<Item = &mut TypeRef> {
    let response = match &mut route.response {
        Response::Json(t) => Some(t),
        Response::Empty => None,
    };
    let extractor: Vec<&mut TypeRef> = match &mut route.path_extractor {
        PathExtractor::Single(t) => vec![t],
        PathExtractor::Tuple(items) => items.iter_mut().collect(),
        _ => Vec::new(),
    };
    route
        .path_params
        .iter_mut()
        .map(|p| &mut p.ty)
        .chain(extractor)
        .chain(route.query.iter_mut())
        .chain(route.body.iter_mut())
        .chain(response)
        .chain(route.error.iter_mut())
}

pub(super) fn shape_refs_mut(shape: &mut Shape, visit: &mut impl FnMut(&mut TypeRef)) {
    match shape {
        Shape::Struct(fields) => fields.iter_mut().for_each(|f| visit(&mut f.ty)),
        Shape::Tuple(items) => items.iter_mut().for_each(&mut *visit),
        Shape::Newtype(t) => visit(t),
        Shape::Unit => {}
        Shape::Enum { variants, .. } => {
            for v in variants {
                match &mut v.shape {
                    VariantShape::Unit => {}
                    VariantShape::Newtype(t) => visit(t),
                    VariantShape::Tuple(items) => items.iter_mut().for_each(&mut *visit),
                    VariantShape::Struct(fields) => {
                        fields.iter_mut().for_each(|f| visit(&mut f.ty))
                    }
                }
            }
        }
    }
}

/// Calls `visit` with every type reference in a shape.
/// Calls `visit` with every type a shape holds (fields, items, variants' contents).
pub fn shape_types(shape: &Shape, visit: &mut impl FnMut(&TypeRef)) {
    shape_refs(shape, visit);
}

pub(crate) fn shape_refs(shape: &Shape, visit: &mut impl FnMut(&TypeRef)) {
    match shape {
        Shape::Struct(fields) => fields.iter().for_each(|f| visit(&f.ty)),
        Shape::Tuple(items) => items.iter().for_each(&mut *visit),
        Shape::Newtype(t) => visit(t),
        Shape::Unit => {}
        Shape::Enum { variants, .. } => {
            for v in variants {
                match &v.shape {
                    VariantShape::Unit => {}
                    VariantShape::Newtype(t) => visit(t),
                    VariantShape::Tuple(items) => items.iter().for_each(&mut *visit),
                    VariantShape::Struct(fields) => fields.iter().for_each(|f| visit(&f.ty)),
                }
            }
        }
    }
}
