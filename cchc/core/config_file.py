"""Read mkdocs.yml without MkDocs, for the command line checker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cchc.core.errors import ContentError, display_path


class _ConfigLoader(yaml.SafeLoader):
    """Knows MkDocs' tags (!ENV, !relative, !!python/name) only to skip them."""


def _ignore(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_multi_constructor("!", _ignore)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore)


def read_mkdocs_config(path: Path, root: Path) -> dict[str, Any]:
    source = display_path(path, root)
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_ConfigLoader)
    except FileNotFoundError:
        raise ContentError(source, None, "", "không tìm thấy tệp cấu hình") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise ContentError(source, mark.line + 1 if mark else None, "", f"lỗi cú pháp YAML ({error.problem})") from None
    if not isinstance(data, dict):
        raise ContentError(source, 1, "", "cấu hình phải là các dòng “tên: giá trị”")
    return data
