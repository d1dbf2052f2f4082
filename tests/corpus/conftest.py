import shutil

import pytest


@pytest.fixture
def seeds_copy(seeds_dir, tmp_path):
    """A writable copy of the real seeds folder."""
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir, folder)
    return folder
