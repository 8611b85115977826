"""`set_provenance`: observatoire.yaml's provenance lines edited in place, every comment kept."""

import pytest
import yaml

from example_territory import EXAMPLE
from observatoire.errors import UserError
from observatoire.scaffold import set_provenance


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "observatoire.yaml"
    path.write_bytes(EXAMPLE.config.read_bytes())
    return path


def test_one_line_changes_and_its_comment_stays_in_place(config):
    before = config.read_text(encoding="utf-8").splitlines()
    set_provenance(config, {"survey": "real"})
    after = config.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(after) == len(before) and len(changed) == 1
    old, new = changed[0]
    assert new.startswith("  survey: real ") and new.index("#") == old.index("#") and new[new.index("#"):] == old[old.index("#"):]
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["provenance"]["survey"] == "real"
    set_provenance(config, {"survey": "demonstration"})
    assert config.read_bytes() == EXAMPLE.config.read_bytes()


def test_a_missing_entry_or_block_is_added(config, tmp_path):
    text = config.read_text(encoding="utf-8")
    config.write_text("\n".join(line for line in text.splitlines() if not line.startswith("  inventories:")) + "\n",
                      encoding="utf-8")
    set_provenance(config, {"inventories": "demonstration", "geo": "real"})
    document = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert document["provenance"]["inventories"] == "demonstration" and document["settings"] == {}
    bare = tmp_path / "bare.yaml"
    bare.write_text("name: Val\n# fin\n", encoding="utf-8")
    set_provenance(bare, {"survey": "demonstration"})
    assert bare.read_text(encoding="utf-8") == "name: Val\n# fin\n\nprovenance:\n  survey: demonstration\n"


def test_an_inline_block_is_refused_and_the_file_kept(tmp_path):
    path = tmp_path / "observatoire.yaml"
    path.write_text("name: Val\nprovenance: {survey: real}\n", encoding="utf-8")
    with pytest.raises(UserError, match="une donnée par ligne"):
        set_provenance(path, {"survey": "demonstration"})
    assert path.read_text(encoding="utf-8") == "name: Val\nprovenance: {survey: real}\n"
