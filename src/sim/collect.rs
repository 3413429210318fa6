//! Collecting query items and refilling scratch vectors without allocating: a sweep plays
//! millions of months, so turn systems keep their scratch space from month to month.

/// Collects a query's items through its own internal iteration (`for_each`), which walks a table
/// more cheaply than the item-by-item `next` that `collect` uses: turn systems read their queries
/// thousands of times a second in a sweep.
pub fn gather<I: Iterator>(items: I) -> Vec<I::Item> {
    let mut all = Vec::with_capacity(items.size_hint().0);
    gather_into(&mut all, items);
    all
}

/// [`gather`] into a vector kept from month to month (a system's `Local`), so that a month
/// allocates nothing.
pub fn gather_into<I: Iterator>(all: &mut Vec<I::Item>, items: I) {
    all.clear();
    items.for_each(|item| all.push(item));
}

/// Makes `v` `n` copies of `value`, keeping its allocation.
pub fn refill<T: Copy>(v: &mut Vec<T>, n: usize, value: T) {
    v.truncate(n);
    v.fill(value);
    v.resize(n, value);
}
