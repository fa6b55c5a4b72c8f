//! Page numbers for listings: 1-based for people, turned into offsets once here.

use serde::Serialize;

#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub number: u64,
    pub size: u64,
}

impl PageRequest {
    /// Page numbers below 1 mean the first page.
    pub fn new(number: Option<u64>, size: u64) -> Self {
        PageRequest {
            number: number.unwrap_or(1).max(1),
            size,
        }
    }
    pub fn offset(&self) -> u64 {
        (self.number - 1).saturating_mul(self.size)
    }
}

/// One page of a listing and enough to link to its neighbours.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub number: u64,
    pub total_items: u64,
    pub total_pages: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total_items: u64) -> Self {
        Page {
            items,
            number: request.number,
            total_items,
            total_pages: total_items.div_ceil(request.size).max(1),
        }
    }
    pub fn has_next(&self) -> bool {
        self.number < self.total_pages
    }
    pub fn has_previous(&self) -> bool {
        self.number > 1
    }
}
