//! The session layer as the router sees it: tower-sessions' layer, except for session-less
//! requests, which get a fresh session that is never saved.

use super::*;

/// Wraps each route with tower-sessions' layer, except for session-less requests, which get
/// a fresh session that is never saved.
#[derive(Clone)]
pub(super) struct SessionFace<S: SessionStore> {
    pub(super) layer: SessionManagerLayer<S>,
    pub(super) store: Arc<S>,
}

impl<I, S: SessionStore + Clone> Layer<I> for SessionFace<S>
where
    I: Clone,
{
    type Service = SessionFaceService<I, S>;

    fn layer(&self, inner: I) -> Self::Service {
        SessionFaceService {
            with: self.layer.layer(inner.clone()),
            plain: inner,
            store: self.store.clone(),
        }
    }
}

#[derive(Clone)]
pub(super) struct SessionFaceService<I, S: SessionStore> {
    with: <SessionManagerLayer<S> as Layer<I>>::Service,
    plain: I,
    store: Arc<S>,
}

impl<I, S> Service<Request> for SessionFaceService<I, S>
where
    S: SessionStore + Clone,
    I: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    I::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Each call below drives a clone to readiness itself.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        if request.extensions().get::<NoSession>().is_some() {
            request
                .extensions_mut()
                .insert(Session::new(None, self.store.clone(), None));
            Box::pin(self.plain.clone().oneshot(request))
        } else {
            Box::pin(self.with.clone().oneshot(request))
        }
    }
}
