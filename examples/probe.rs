use boligmatch::formulation::{Instance, Restrictions};
use boligmatch::input::{load, RoundPaths};
use std::time::Instant;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let nodes: usize = std::env::args().nth(2).map(|s| s.parse().unwrap()).unwrap_or(1);
    let l = load(&RoundPaths::in_dir(std::path::Path::new(&dir)), chrono::NaiveDate::from_ymd_opt(2014,11,3).unwrap()).unwrap();
    let t = Instant::now();
    let inst = Instance::new(&l.round);
    println!("instance {:?} pairs {} staff pairs {}", t.elapsed(), inst.unit_pairs.len(), inst.staff_pairs.len());
    let t = Instant::now();
    let r = boligmatch::netflow::solve(&inst, &Restrictions::default(), boligmatch::netflow::Limits { max_nodes: nodes, deadline: None });
    println!("flow {:?} optimal {}", t.elapsed(), matches!(r, Some(boligmatch::netflow::Found::Optimal(..))));
}
