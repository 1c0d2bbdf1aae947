.PHONY: run test lint
run:   ## set up on the embedded default and start web, worker and beat
	bash scripts/run.sh
test:  ## set up and run the tests
	bash scripts/test.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
