# Every target sets itself up on a fresh machine: a virtual environment in
# .venv with the exact pins of requirements*.txt, reinstalled when they change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)
# Same commit, same sitemap dates: byte-identical rebuilds.
export NO_MKDOCS_2_WARNING := 1
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

NODE_STAMP := node_modules/.installed
# The web editor (Sveltia CMS) bundled for /admin/ with its fonts and locale, nothing from a CDN.
ADMIN_BUNDLE := node_modules/.cchc-admin/manifest.json
# (A make run told NODE_STAMP= , as the build tests do, has no npm step and no bundle step.)
NODE := $(if $(NODE_STAMP),$(NODE_STAMP) $(ADMIN_BUNDLE))

.PHONY: build serve edit test check verify verify-fast bench clean new-tin new-tthc new-quyet-dinh import import-ket-qua init deploy rollback nginx
.DEFAULT_GOAL := build

$(STAMP): requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check --quiet -r requirements-test.txt
	touch $@

# npm packages, pinned by package-lock.json: Pagefind builds the search index; Sveltia CMS is
# the web editor, which esbuild bundles once per install (below) and the build copies into
# site/admin/; the Nu Html Checker, axe-core and Lighthouse run in make verify.
# --ignore-scripts: nothing may download a browser or a binary of its own (Pagefind's and
# esbuild's binaries come inside their registry packages: @pagefind/linux-x64, @esbuild/linux-x64).
# --loglevel=error: the lock pins every package; npm's warnings are notices no one here can act on.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Sveltia's npm build, its fonts, WebAssembly and the Vietnamese locale (completed by
# cchc/editor/sveltia-vi.json) as static files in node_modules/.cchc-admin/ (cchc/editor/bundle.mjs).
$(ADMIN_BUNDLE): $(NODE_STAMP) cchc/editor/bundle.mjs cchc/editor/sveltia-vi.json cchc/editor/ngay-viet.mjs
	node cchc/editor/bundle.mjs

# Build into a scratch folder and swap it in only on success, so a content
# error never leaves a partial or stale-mixed site/ behind.
build: $(STAMP) $(NODE)
	rm -rf .site-tmp
	$(BIN)/python -m mkdocs build --strict --site-dir .site-tmp || { rm -rf .site-tmp; exit 1; }
	rm -rf site && mv .site-tmp site

# --dirty: the site folder is kept between builds, so a save rewrites only the pages it changes
# (cchc/site/preview.py decides which; templates, docs/ or mkdocs.yml rebuild everything).
serve: $(STAMP) $(NODE)
	$(BIN)/python -m mkdocs serve --dirty --dev-addr 127.0.0.1:8000

# Preview plus the web editor on this machine only: http://127.0.0.1:8000/admin/, signed in with
# the token it prints; its backend is cchc/editor/localgit.py (Gitea's API over content/, each save a commit).
edit: $(STAMP) $(NODE)
	$(BIN)/python -m cchc edit

check: $(STAMP)
	$(BIN)/python -m cchc check

# A real department starts here, once: asks its name, addresses and portals (all of them can be flags:
# python -m cchc init --help), writes them into mkdocs.yml and removes the demo content.
init: $(STAMP)
	$(BIN)/python -m cchc init

# Publish a fresh build where extra.deploy in mkdocs.yml says (github, rsync, s3; python -m cchc deploy --help):
#   make deploy   make deploy DICH=rsync NOI=user@host:/var/www/syt   make rollback (rsync: the release before)
# DICH and NOI reach the command as the shell's "$$DICH" / "$$NOI" (make exports them), never pasted
# into its text, so a folder named `x; rm -rf ~` is a name, not a command; empty means "not given".
# (make itself reads $(...) in a value typed after `make`: for such a name, NOI='…' make deploy.)
deploy: build
	$(BIN)/python -m cchc deploy --dich "$$DICH" --noi "$$NOI"
rollback: $(STAMP)
	$(BIN)/python -m cchc deploy --rollback --dich "$$DICH" --noi "$$NOI"

# The nginx configuration of the fresh build (python -m cchc may-chu nginx, cchc/hosting/): headers, CSP,
# caching, the .br/.gz copies, the 404 page, redirects of former URLs. may-chu/nginx-cchc.conf goes inside
# the server block; may-chu/nginx-cchc.vi-du.conf is the whole server blocks around it, TLS to fill in.
#   make nginx   make nginx GOC=/var/www/syt/current   make nginx KHONG_BROTLI=1 (nginx without brotli_static)
# GOC reaches the command as "$$GOC", never pasted into its text (as DICH and NOI above).
nginx: build
	$(BIN)/python -m cchc may-chu nginx --site site --out may-chu/nginx-cchc.conf --goc "$$GOC" \
		$(if $(KHONG_BROTLI),--khong-brotli)

# New content files, named as the build expects:
#   make new-tin TIEU_DE="Sở Y tế …"   make new-tthc TEN="Cấp …" [MA=1.004616]
#   make new-quyet-dinh SO="1234/QĐ-UBND"
new-tin: $(STAMP)
	$(BIN)/python -m cchc new tin "$(TIEU_DE)"
new-tthc: $(STAMP)
	$(BIN)/python -m cchc new tthc "$(TEN)" $(if $(MA),--ma "$(MA)")
new-quyet-dinh: $(STAMP)
	$(BIN)/python -m cchc new quyet-dinh "$(SO)"

test: $(STAMP) $(NODE)
	$(BIN)/ruff check .
	$(BIN)/python -m cchc check
	$(BIN)/python -m pytest
	$(MAKE) verify

# Quality gates on the real built site; figures in verify-report.json.
verify: $(STAMP) $(NODE)
	$(BIN)/python -m checks.verify

# The static gates alone (HTML, links, third-party hosts, CSP) on the site make build
# wrote: what a content-only commit passes before it is published (publish.yml).
verify-fast: $(STAMP) $(NODE)
	$(BIN)/python -m checks.verify --fast site

# Build time, memory and page weight against plain MkDocs and the blog plugin.
# Default: 500 posts + 100 procedures, a few minutes. Large run (BENCHMARKS.md):
#   make bench BENCH="--sizes 2500:500,5000:1000 --blog 2000 --runs 2"
# Procedures from the portal's Word export, a saved detail page or a decision annex:
#   make import FILE="phu-luc.xlsx"   (add DRY=1 to see what would change)
import: $(STAMP)
	$(BIN)/python -m cchc import $(if $(DRY),--dry-run) $(FILE)

# A month's results from the one-stop report (nhap-ket-qua): make import-ket-qua FILE=bao-cao.xlsx [THANG=2026-10] [NGUON="…"] [GHI_DE=1]
import-ket-qua: $(STAMP)
	$(BIN)/python -m cchc nhap-ket-qua --thang="$$THANG" --nguon="$$NGUON" $(if $(GHI_DE),--ghi-de) -- "$$FILE"

bench: $(STAMP) $(NODE)
	$(BIN)/python -m bench.run $(BENCH)

clean:
	rm -rf site .site-tmp $(VENV) node_modules .cache verify-report.json
