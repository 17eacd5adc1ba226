//! The policy serve answers with, swappable while requests are in flight:
//! `--watch` replaces it, each request takes the one current when it arrives.

use crate::answer::Deployment;
use std::sync::{Arc, RwLock};

pub struct Live {
    current: RwLock<Arc<Deployment>>,
}

impl Live {
    pub fn new(deployment: Deployment) -> Live {
        Live {
            current: RwLock::new(Arc::new(deployment)),
        }
    }

    pub fn get(&self) -> Arc<Deployment> {
        // A poisoned lock still holds a complete Arc (the swap is one store).
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn set(&self, deployment: Deployment) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(deployment);
    }
}
