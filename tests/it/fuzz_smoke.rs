//! The fuzz targets' bodies over a fixed corpus on stable Rust: fixtures and spec examples plus
//! deterministic mutations. It runs in seconds and catches what a short fuzzing run would catch
//! first; `fuzz/README.md` describes real fuzzing with cargo-fuzz.

use std::path::Path;

use okx_mcp::endpoint::ParamKind;
use serde_json::{Map, Value, json};

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code, reason = "the cargo-fuzz targets use other items")]
mod fuzz_bodies;

use crate::support::fixtures_dir;

/// SplitMix64: a small deterministic generator for mutations.
struct Mutator(u64);

impl Mutator {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.0;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % bound.max(1) as u64).expect("fits")
    }

    /// Returns `count` byte-level mutants of `input`: flips, cuts, insertions and splices.
    fn mutants(&mut self, input: &[u8], count: usize) -> Vec<Vec<u8>> {
        const TOKENS: &[&[u8]] =
            &[b"null", b"{}", b"[]", b"\"\"", b"1e400", b"-0", b"\"\\ud800\"", b"[[[[[[[[", b"}}}}", b",", b"\"x\":", b"true"];
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            let mut mutant = input.to_vec();
            let position = self.below(mutant.len() + 1);
            match self.below(4) {
                0 if !mutant.is_empty() => {
                    let index = position.min(mutant.len() - 1);
                    mutant[index] ^= 1 << self.below(8);
                }
                1 => mutant.truncate(position),
                2 => {
                    let token = TOKENS[self.below(TOKENS.len())];
                    mutant.splice(position..position, token.iter().copied());
                }
                _ => {
                    let end = (position + self.below(16)).min(mutant.len());
                    mutant.drain(position..end);
                }
            }
            out.push(mutant);
        }
        out
    }
}

/// Replaces each scalar leaf of `value`, one at a time, with each of `replacements`.
fn leaf_swaps(value: &Value, replacements: &[Value]) -> Vec<Value> {
    fn paths(value: &Value, prefix: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    prefix.push(json!(index));
                    paths(item, prefix, out);
                    prefix.pop();
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    prefix.push(json!(key));
                    paths(item, prefix, out);
                    prefix.pop();
                }
            }
            _ => out.push(prefix.clone()),
        }
    }
    fn at<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
        path.iter().fold(value, |node, step| match step {
            Value::Number(index) => &mut node[usize::try_from(index.as_u64().unwrap()).unwrap()],
            Value::String(key) => &mut node[key.as_str()],
            _ => unreachable!(),
        })
    }
    let mut all = Vec::new();
    paths(value, &mut Vec::new(), &mut all);
    let mut out = Vec::new();
    for path in all.iter().take(64) {
        for replacement in replacements {
            let mut copy = value.clone();
            *at(&mut copy, path) = replacement.clone();
            out.push(copy);
        }
    }
    out
}

fn fixture_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("fixtures directory is readable").flatten().map(|entry| entry.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            fixture_files(&path, out);
        } else if path.extension().is_some_and(|extension| extension == "json") {
            out.push(path);
        }
    }
}

#[test]
fn parse_answer_over_fixture_corpus() {
    let mut files = Vec::new();
    fixture_files(&fixtures_dir(), &mut files);
    assert!(files.len() > 100, "only {} fixtures", files.len());

    let replacements = [json!(null), json!({}), json!([]), json!(1.5), json!(-0), json!(true), json!(""), json!({"x": [1]})];
    let mut mutator = Mutator(0x00c0_ffee);
    let mut runs = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let fixture: Value = serde_json::from_slice(&bytes).unwrap();
        let response = fixture["response"].clone();
        let envelope = serde_json::to_vec(&response).unwrap();
        let data = serde_json::to_vec(&response["data"]).unwrap();

        let mut inputs = vec![bytes.clone(), envelope.clone(), data.clone()];
        inputs.extend(mutator.mutants(&envelope, 24));
        inputs.extend(mutator.mutants(&data, 24));
        inputs.extend(leaf_swaps(&response["data"], &replacements).iter().map(|value| serde_json::to_vec(value).unwrap()));
        for input in inputs {
            fuzz_bodies::parse_answer(&input);
            runs += 1;
        }
    }

    // Hand-picked shapes the fixtures lack.
    for input in [
        &b""[..],
        b"[]",
        b"[[]]",
        b"[[null,null,null,null,null,null,null,null,null,null,null]]",
        b"[[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"1\",\"extra\",{\"x\":1}]]",
        b"[{\"uTime\":1,\"details\":[{\"ccy\":2,\"eq\":null}],\"unknown\":{\"deep\":[1,2,{}]}}]",
        b"[{\"details\":{}}]",
        b"[{\"uTime\":\"1\",\"uTime\":\"2\"}]",
        b"{\"code\":\"0\",\"data\":[[1.5e300,-0,true,false]]}",
    ] {
        fuzz_bodies::parse_answer(input);
        runs += 1;
    }
    assert!(runs > 10_000, "only {runs} inputs ran");
}

/// Values that probe each parameter kind's edge cases.
fn probe_values() -> Vec<Value> {
    vec![
        json!(null),
        json!(""),
        json!(" "),
        json!(","),
        json!(",,"),
        json!(" , x ,"),
        json!("x,y"),
        json!("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u"),
        json!("é"),
        json!("\u{0}"),
        json!("true"),
        json!("2024-06-01"),
        json!("2024-13-45"),
        json!("2024-06-01T00:00:00+02:00"),
        json!("1717200000000"),
        json!("99999999999999999999"),
        json!("-0"),
        json!("+5"),
        json!(".5"),
        json!("5."),
        json!("1e5"),
        json!(0),
        json!(-1),
        json!(1),
        json!(100),
        json!(1_717_200_000_000_i64),
        json!(i64::MAX),
        json!(u64::MAX),
        json!(1.5),
        json!(1e300),
        json!(1e-25),
        json!(-2.5e-7),
        json!(true),
        json!([]),
        json!(["a", 1]),
        json!([null]),
        json!([","]),
        json!({}),
    ]
}

/// Returns a valid value for a parameter, from its example or its kind.
fn example_value(kind: ParamKind, example: Option<&str>, enum_values: &[&str]) -> Value {
    if let Some(example) = example {
        return match kind {
            ParamKind::Integer | ParamKind::Timestamp => example.parse::<i64>().map(Value::from).unwrap_or_else(|_| json!(example)),
            ParamKind::Boolean => json!(example == "true"),
            _ => json!(example),
        };
    }
    match kind {
        ParamKind::String => json!(enum_values.first().copied().unwrap_or("BTC-USDT")),
        ParamKind::Decimal => json!("1.5"),
        ParamKind::Integer => json!(enum_values.first().and_then(|value| value.parse::<i64>().ok()).unwrap_or(1)),
        ParamKind::Boolean => json!(true),
        ParamKind::Timestamp => json!(1_717_200_000_000_i64),
    }
}

#[test]
fn check_arguments_over_probe_corpus() {
    let probes = probe_values();
    let mut mutator = Mutator(0x00a1_10e5);
    let mut runs = 0;

    for selector in 0..fuzz_bodies::selectable_endpoints() {
        let endpoint = fuzz_bodies::selected_endpoint(selector);
        let mut valid = Map::new();
        for param in endpoint.params {
            valid.insert(param.name.to_owned(), example_value(param.kind, param.example, param.enum_values));
        }
        let mut inputs = vec![Value::Object(valid.clone()), json!({}), json!({"notAParameter": 1})];
        for param in endpoint.params {
            for probe in &probes {
                let mut arguments = valid.clone();
                arguments.insert(param.name.to_owned(), probe.clone());
                inputs.push(Value::Object(arguments));
            }
        }
        for arguments in &inputs {
            let input = fuzz_bodies::check_arguments_input(selector, arguments);
            fuzz_bodies::check_arguments(&input);
            runs += 1;
        }
        let seed = fuzz_bodies::check_arguments_input(selector, &Value::Object(valid));
        for mutant in mutator.mutants(&seed[2..], 8) {
            let mut input = seed[..2].to_vec();
            input.extend(mutant);
            fuzz_bodies::check_arguments(&input);
            runs += 1;
        }
    }
    assert!(runs > 10_000, "only {runs} inputs ran");
}
