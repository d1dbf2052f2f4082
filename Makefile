# Two commands do all the set-up on a fresh clone (Python 3.11, git, make):
#   make run    install, then run the main job end to end
#   make test   install (including the Label Studio server, Chromium, PostgreSQL and
#               Caddy), then lint and test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STUDIO_VENV := .venv-studio
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: setup studio-env browser-env postgres-env proxy-env _caddy run test lint lock clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements/main.lock pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) --require-hashes -r requirements/main.lock
	$(VENV)/bin/pip install $(PIP_FLAGS) --no-deps --no-build-isolation -e .
	touch $@

# The Label Studio server lives in its own environment: its pins never
# constrain the dataset code (and ours never constrain it).
studio-env: $(STUDIO_VENV)/.installed

$(STUDIO_VENV)/.installed: requirements/studio.lock
	$(PYTHON) -m venv $(STUDIO_VENV)
	$(STUDIO_VENV)/bin/pip install $(PIP_FLAGS) --require-hashes -r requirements/studio.lock
	touch $@

# Debian packages the tests need, installed with apt-get (as root) when missing.
define apt_install
	@if ! $(1) >/dev/null 2>&1; then \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "error: $(2) is missing and apt-get is not available; install Debian's $(2) package" >&2; exit 1; \
	  fi; \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "error: $(2) is missing; install it as root: apt-get install -y $(2) (or run make $(3) as root)" >&2; exit 1; \
	  fi; \
	  echo "installing $(2) with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null \
	    || { echo "error: apt-get could not install $(2)" >&2; exit 1; }; \
	fi
endef

# The browser tests drive Debian's chromium package: Playwright's own browser
# download cannot work here. Installed once, as root, when it is missing.
CHROMIUM := /usr/bin/chromium
browser-env:
	$(call apt_install,test -x $(CHROMIUM),chromium,browser-env)

# The PostgreSQL tests start their own cluster of Debian's postgresql package
# (initdb, postgres, psql under /usr/lib/postgresql/N/bin); the team recipe's
# test puts Debian's caddy in front of Label Studio.
postgres-env:
	$(call apt_install,ls /usr/lib/postgresql/*/bin/initdb,postgresql,postgres-env)

# Debian's caddy package enables a web server on port 80: the tests run their
# own caddy, so a service this target installed is stopped and disabled again.
proxy-env:
	@if ! command -v caddy >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory _caddy || exit 1; \
	  if [ -d /run/systemd/system ] && systemctl disable --now caddy.service >/dev/null 2>&1; then \
	    echo "stopped and disabled the caddy service the package started (the tests run their own)"; \
	  fi; \
	fi

_caddy:
	$(call apt_install,command -v caddy,caddy,proxy-env)

run: setup
	$(VENV)/bin/nkcorpus pipeline

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup studio-env browser-env postgres-env proxy-env lint
	$(VENV)/bin/pytest

# Re-resolve the lock files after editing requirements/*.in (needs network).
lock:
	$(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install $(PIP_FLAGS) uv==0.13.8
	.venv-lock/bin/uv pip compile requirements/main.in --python-version 3.11 --generate-hashes --no-header -o requirements/main.lock
	.venv-lock/bin/uv pip compile requirements/studio.in --python-version 3.11 --generate-hashes --no-header -o requirements/studio.lock

clean:
	rm -rf $(VENV) $(STUDIO_VENV) .venv-lock .setuptools-build out .pytest_cache .ruff_cache
