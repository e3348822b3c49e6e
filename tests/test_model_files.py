import hashlib

import pytest

from advisor.llm.model_files import ModelPreparationError, ModelSpec, prepare_model


def _parts(tmp_path, contents):
    paths = []
    for i, data in enumerate(contents):
        p = tmp_path / f"part{i}.bin"
        p.write_bytes(data)
        paths.append(p)
    return paths


def _spec(contents):
    whole = b"".join(contents)
    return ModelSpec("m.gguf", len(whole), hashlib.sha256(whole).hexdigest(), ())


def test_parts_joined_in_order_and_verified_once(tmp_path):
    contents = [b"alpha" * 1000, b"beta" * 1000, b"gamma" * 10]
    spec = _spec(contents)
    seen = []
    path = prepare_model(tmp_path / "cache", spec, parts=_parts(tmp_path, contents),
                         progress=lambda d, t, label: seen.append(d))
    assert path.read_bytes() == b"".join(contents) and seen[-1] == spec.size
    # second call trusts the stamp and does not need the parts at all
    assert prepare_model(tmp_path / "cache", spec, parts=[]) == path


def test_corrupted_part_is_detected(tmp_path):
    contents = [b"alpha" * 1000, b"beta" * 1000]
    spec = _spec(contents)
    bad = [b"alpha" * 1000, b"bXta" * 1000]
    with pytest.raises(ModelPreparationError, match="sha256"):
        prepare_model(tmp_path / "cache", spec, parts=_parts(tmp_path, bad))
    assert not (tmp_path / "cache" / "m.gguf").exists()


def test_missing_part_is_detected(tmp_path):
    contents = [b"alpha" * 1000, b"beta" * 1000]
    with pytest.raises(ModelPreparationError, match="缺失"):
        prepare_model(tmp_path / "cache", _spec(contents), parts=_parts(tmp_path, contents[:1]))


def test_tampered_cached_model_is_rebuilt(tmp_path):
    contents = [b"alpha" * 1000, b"beta" * 1000]
    spec = _spec(contents)
    parts = _parts(tmp_path, contents)
    path = prepare_model(tmp_path / "cache", spec, parts=parts)
    path.write_bytes(b"x" * spec.size)  # same size, new mtime: stamp no longer matches
    import os
    os.utime(path, (1, 1))
    assert prepare_model(tmp_path / "cache", spec, parts=parts).read_bytes() == b"".join(contents)
