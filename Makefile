# kefu: `make run` serves on 127.0.0.1:8080 with SQLite in ./data; `make test` runs every test.
.PHONY: run build test unit fuzz openapi typescript tools lint bench bench-stats clean

run:
	cargo run -p kefu-http --bin kefu -- serve

build:
	cargo build -p kefu-http --bin kefu

## Every test on both backends, then Schemathesis against a live kefu.
test:
	bash scripts/test.sh
	$(MAKE) fuzz

## Only the Rust tests (no fuzzing).
unit:
	bash scripts/test.sh

fuzz:
	bash scripts/fuzz.sh

## Regenerate the committed contract from the code.
openapi:
	cargo run -q -p kefu-http --bin kefu -- openapi > openapi/openapi.json

## Types generated from the contract (openapi-typescript), and the TypeScript client in
## clients/typescript type-checked against them. Needs Node.js and npm only.
typescript:
	bash scripts/typescript.sh

## The pinned Python tools (Schemathesis, openapi-spec-validator) in ./.venv.
tools:
	bash -c 'source scripts/lib.sh && ensure_tools'

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	bash scripts/house.sh

## Benchmarks: the calendar (criterion), the deadline sweep over 10k and 1M closed
## complaints, and the quarter statement over 1M complaints, on PostgreSQL (each prints the
## table the README shows).
bench:
	cargo bench -p kefu-domain
	cargo bench -p kefu-tests --bench sweep
	$(MAKE) bench-stats

## The quarter statement over 1M complaints on PostgreSQL: seeds them, prints the timings.
bench-stats:
	bash -c 'source scripts/lib.sh && cargo bench -p kefu-tests --bench stats'

clean:
	cargo clean
	rm -rf .venv clients/typescript/node_modules clients/typescript/src/schema.d.ts
