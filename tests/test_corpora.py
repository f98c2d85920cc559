"""Corpus readers: fake corpora named by each corpus's published scheme, the real RAVDESS files
in ../shared/data against their manifest.csv, and every kind of bad input."""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import DATA, data_folder
from ser_rs import ParameterError
from ser_rs.datasets import (
    CORPORA,
    EMOTIONS,
    FOUR_CLASSES,
    LABEL_MAPS,
    CorpusWarning,
    detect_corpus,
    normalize_emotion,
    read_corpus,
    read_crema_d,
    read_csv_manifest,
    read_emodb,
    read_label_folders,
    read_ravdess,
    read_savee,
    read_tess,
    select_emotions,
    write_wav,
)

TINY = np.zeros(80)


def touch_wav(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, TINY, 16000)
    return path


def make_ravdess(root: Path, actors=range(1, 25), channel="01") -> list[dict]:
    """The full speech grid of the given actors under Actor_XX folders; returns what each name encodes."""
    truth = []
    for actor in actors:
        for emotion, intensity, statement, repetition in itertools.product(range(1, 9), (1, 2), (1, 2), (1, 2)):
            if emotion == 1 and intensity == 2:
                continue
            name = f"03-{channel}-{emotion:02d}-{intensity:02d}-{statement:02d}-{repetition:02d}-{actor:02d}.wav"
            touch_wav(root / f"Actor_{actor:02d}" / name)
            truth.append(dict(name=name, actor=actor, emotion=emotion, intensity=intensity, statement=statement, repetition=repetition))
    return truth


# -- the label sets -----------------------------------------------------------------------------


def test_every_corpus_maps_into_the_common_set():
    for corpus in CORPORA:
        assert set(LABEL_MAPS[corpus].values()) <= set(EMOTIONS), corpus
    assert set(FOUR_CLASSES) <= set(EMOTIONS) and len(FOUR_CLASSES) == 4
    # Every corpus covers the 4-class subset, so select_emotions works on each.
    for corpus in CORPORA:
        assert set(FOUR_CLASSES) <= set(LABEL_MAPS[corpus].values()), corpus


def test_normalize_emotion_spellings():
    assert normalize_emotion(" Anger ") == "angry"
    assert normalize_emotion("Pleasant Surprise") == "surprised"
    assert normalize_emotion("pleasant-surprised") == "surprised"
    assert normalize_emotion("SADNESS") == "sad"
    assert normalize_emotion("frustrated") == "frustrated"
    for name in EMOTIONS:
        assert normalize_emotion(name.upper()) == name


# -- RAVDESS ------------------------------------------------------------------------------------


def test_ravdess_fields_decode_the_file_names(tmp_path):
    truth = make_ravdess(tmp_path, actors=[3, 8])
    m = read_ravdess(tmp_path)
    assert len(m) == len(truth) == 120
    assert m.attrs["corpus"] == "ravdess" and m.attrs["skipped"] == []
    by_name = {Path(p).name: row for p, row in zip(m["path"], m.to_dict("records"))}
    codes = ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"]
    for t in truth:
        row = by_name[t["name"]]
        assert row["speaker"] == f"{t['actor']:02d}" and row["actor"] == t["actor"]
        assert row["sex"] == ("M" if t["actor"] == 3 else "F")
        assert row["emotion"] == codes[t["emotion"] - 1]
        assert row["label"] == f"{t['emotion']:02d}"
        assert row["intensity"] == ("normal" if t["intensity"] == 1 else "strong")
        assert (row["statement"], row["repetition"]) == (t["statement"], t["repetition"])
        assert (row["modality"], row["vocal_channel"]) == ("audio-only", "speech")
        assert Path(row["path"]).is_absolute() and Path(row["path"]).is_file()
    # Per actor: neutral 4 files, every other emotion 8 (README of the corpus: 60 per actor).
    counts = m.groupby(["speaker", "emotion"]).size()
    assert counts.xs("03")["neutral"] == 4 and counts.xs("08")["angry"] == 8
    assert list(m.columns[:6]) == ["path", "corpus", "speaker", "sex", "emotion", "label"]


def test_ravdess_song_and_invalid_codes(tmp_path):
    touch_wav(tmp_path / "03-02-03-01-01-01-05.wav")   # song
    touch_wav(tmp_path / "03-01-09-01-01-01-05.wav")   # emotion 09 does not exist
    touch_wav(tmp_path / "03-01-01-02-01-01-05.wav")   # neutral has no strong intensity
    touch_wav(tmp_path / "03-01-03-01-01-01-25.wav")   # actor 25 does not exist
    with pytest.warns(CorpusWarning, match="3 file"):
        m = read_ravdess(tmp_path)
    assert m["vocal_channel"].tolist() == ["song"]
    assert sorted(Path(p).name for p in m.attrs["skipped"]) == [
        "03-01-01-02-01-01-05.wav", "03-01-03-01-01-01-25.wav", "03-01-09-01-01-01-05.wav"]


def test_real_ravdess_agrees_with_its_manifest():
    folder = data_folder("ravdess-16k")
    reference = pd.read_csv(folder / "manifest.csv", dtype={"intensity": str, "statement": str, "repetition": str})
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)  # every real file must parse
        m = read_corpus(folder)
    assert m.attrs["corpus"] == "ravdess"
    assert len(m) == len(reference) == 1080
    ours = m.set_index(m["path"].map(lambda p: Path(p).name))
    theirs = reference.set_index(reference["path"].map(lambda p: Path(p).name))
    assert set(ours.index) == set(theirs.index)
    theirs = theirs.loc[ours.index]
    assert (ours["emotion"] == theirs["emotion"]).all()
    assert (ours["actor"] == theirs["actor"]).all()
    assert (ours["sex"] == theirs["sex"]).all()
    assert (ours["intensity"] == theirs["intensity"].map({"01": "normal", "02": "strong"})).all()
    assert (ours["statement"] == theirs["statement"].astype(int)).all()
    assert (ours["repetition"] == theirs["repetition"].astype(int)).all()
    # The data README: neutral is half as frequent as each other emotion.
    sizes = m["emotion"].value_counts()
    assert sizes["neutral"] * 2 == sizes["angry"] == sizes["calm"]


def test_real_ravdess_manifest_csv_reads_as_a_csv_manifest():
    folder = data_folder("ravdess-16k")
    m = read_csv_manifest(folder / "manifest.csv", root=DATA, columns={"actor": "speaker"})
    direct = read_ravdess(folder)
    assert len(m) == len(direct)
    assert sorted(m["path"]) == sorted(direct["path"])
    assert m["speaker"].astype(int).tolist() == m["path"].map(lambda p: int(Path(p).stem[-2:])).tolist()
    assert "duration_s" in m.columns and m.attrs["skipped"] == []


# -- the other corpora --------------------------------------------------------------------------


def test_crema_d(tmp_path):
    names = {
        "1001_DFA_ANG_XX.wav": ("1001", "M", "angry", "DFA", "unspecified"),
        "1002_IEO_HAP_HI.wav": ("1002", "F", "happy", "IEO", "high"),
        "1091_WSI_SAD_LO.wav": ("1091", "F", "sad", "WSI", "low"),
        "1090_TSI_FEA_MD.wav": ("1090", "M", "fearful", "TSI", "medium"),
        "1045_ITS_DIS_XX.wav": ("1045", "M", "disgust", "ITS", "unspecified"),
        "1013_MTI_NEU_XX.wav": ("1013", "F", "neutral", "MTI", "unspecified"),
    }
    for name in names:
        touch_wav(tmp_path / "AudioWAV" / name)
    touch_wav(tmp_path / "AudioWAV" / "1092_DFA_ANG_XX.wav")  # no actor 1092
    touch_wav(tmp_path / "AudioWAV" / "1001_XYZ_ANG_XX.wav")  # no such sentence
    with pytest.warns(CorpusWarning, match="2 file"):
        m = read_crema_d(tmp_path)
    got = {Path(r["path"]).name: (r["speaker"], r["sex"], r["emotion"], r["sentence"], r["intensity"]) for r in m.to_dict("records")}
    assert got == names
    assert detect_corpus(tmp_path) == "crema_d"


def test_crema_d_sex_table_matches_the_published_counts():
    from ser_rs.datasets.corpora import _CREMA_FEMALE

    # Cao et al. (2014): 91 actors, 48 male and 43 female, ids 1001..1091.
    assert len(_CREMA_FEMALE) == 43
    assert all(1001 <= a <= 1091 for a in _CREMA_FEMALE)


def test_tess(tmp_path):
    for speaker, word, emotion in [("OAF", "back", "angry"), ("OAF", "bar", "Fear"), ("YAF", "bath", "ps"),
                                   ("YAF", "youth", "neutral"), ("yaf", "dog", "pleasant_surprised")]:
        touch_wav(tmp_path / f"{speaker.upper()}_{emotion}" / f"{speaker}_{word}_{emotion}.wav")
    m = read_tess(tmp_path)
    assert sorted(zip(m["speaker"], m["word"], m["emotion"])) == [
        ("OAF", "back", "angry"), ("OAF", "bar", "fearful"), ("YAF", "bath", "surprised"),
        ("YAF", "dog", "surprised"), ("YAF", "youth", "neutral")]
    assert set(m["sex"]) == {"F"}
    assert dict(zip(m["speaker"], m["age"])) == {"OAF": 64, "YAF": 26}
    assert detect_corpus(tmp_path) == "tess"


def test_savee_both_layouts(tmp_path):
    touch_wav(tmp_path / "AudioData" / "DC" / "a01.wav")
    touch_wav(tmp_path / "AudioData" / "KL" / "sa15.wav")
    touch_wav(tmp_path / "flat" / "JE_su03.wav")
    touch_wav(tmp_path / "flat" / "JK_n30.wav")
    touch_wav(tmp_path / "AudioData" / "XX" / "a01.wav")  # not a SAVEE speaker
    with pytest.warns(CorpusWarning):
        m = read_savee(tmp_path)
    assert sorted(zip(m["speaker"], m["emotion"], m["sentence"])) == [
        ("DC", "angry", 1), ("JE", "surprised", 3), ("JK", "neutral", 30), ("KL", "sad", 15)]
    assert set(m["sex"]) == {"M"}


def test_emodb(tmp_path):
    for name in ["03a01Fa", "08b10Wb", "16a07Lc", "09b03Ea", "13a02Ta", "11b09Na", "15a05Aa"]:
        touch_wav(tmp_path / "wav" / f"{name}.wav")
    touch_wav(tmp_path / "wav" / "05a01Fa.wav")  # speaker 05 is not in the corpus
    touch_wav(tmp_path / "wav" / "03a03Fa.wav")  # text a03 is not in the corpus
    with pytest.warns(CorpusWarning, match="2 file"):
        m = read_emodb(tmp_path)
    rows = {r["speaker"]: r for r in m.to_dict("records")}
    assert {s: (r["sex"], r["emotion"]) for s, r in rows.items()} == {
        "03": ("M", "happy"), "08": ("F", "angry"), "16": ("F", "boredom"), "09": ("F", "disgust"),
        "13": ("F", "sad"), "11": ("M", "neutral"), "15": ("M", "fearful")}
    assert (rows["16"]["text"], rows["16"]["version"], rows["03"]["age"]) == ("a07", "c", 31)
    assert detect_corpus(tmp_path) == "emodb"


# -- the user's own data ------------------------------------------------------------------------


def test_label_folders_with_speaker_pattern(tmp_path):
    for label, names in {"Anger": ["s1_a.wav", "s2_a.wav"], "happy": ["s1_b.flac"], "frustrated": ["s3_x.wav"]}.items():
        for name in names:
            touch_wav(tmp_path / label / "deeper" / name)
    touch_wav(tmp_path / "loose.wav")        # no label folder
    touch_wav(tmp_path / "happy" / "nospeaker.wav")
    with pytest.warns(CorpusWarning, match="2 file"):
        m = read_label_folders(tmp_path, speaker=r"^(?P<speaker>s\d)_")
    assert sorted(zip(m["label"], m["emotion"], m["speaker"])) == [
        ("Anger", "angry", "s1"), ("Anger", "angry", "s2"), ("frustrated", "frustrated", "s3"), ("happy", "happy", "s1")]
    assert sorted(Path(p).name for p in m.attrs["skipped"]) == ["loose.wav", "nospeaker.wav"]
    # Without a pattern every labelled file is kept, speakers unknown.
    with pytest.warns(CorpusWarning, match="1 file"):
        plain = read_label_folders(tmp_path)
    assert len(plain) == 5 and plain["speaker"].isna().all()
    # A callable works too.
    with pytest.warns(CorpusWarning):
        by_func = read_label_folders(tmp_path, speaker=lambda p: p.stem.split("_")[0] if "_" in p.stem else None)
    assert len(by_func) == 4


def test_label_folders_bad_speaker_arguments(tmp_path):
    touch_wav(tmp_path / "sad" / "x.wav")
    with pytest.raises(ParameterError, match="no group"):
        read_label_folders(tmp_path, speaker=r"^\w+")
    with pytest.raises(ParameterError, match="regular expression"):
        read_label_folders(tmp_path, speaker="(unclosed")
    with pytest.raises(TypeError, match="speaker"):
        read_label_folders(tmp_path, speaker=3)
    with pytest.raises(ParameterError, match="no speaker"):
        read_label_folders(tmp_path, speaker=r"^(spk\d)_")


def test_auto_detects_label_folders_and_rejects_loose_unknown_files(tmp_path):
    touch_wav(tmp_path / "calm" / "take1.wav")
    touch_wav(tmp_path / "angry" / "take2.wav")
    assert detect_corpus(tmp_path) == "folders"
    m = read_corpus(tmp_path, speaker=r"take(\d)")
    assert sorted(m["emotion"]) == ["angry", "calm"] and sorted(m["speaker"]) == ["1", "2"]
    loose = tmp_path / "loose"
    touch_wav(loose / "recording.wav")
    with pytest.raises(ParameterError, match="follow none of the known namings"):
        read_corpus(loose)


def test_csv_manifest(tmp_path):
    audio = tmp_path / "audio"
    for name in ["a.wav", "b.wav", "c.wav"]:
        touch_wav(audio / name)
    csv = tmp_path / "meta" / "list.csv"
    csv.parent.mkdir()
    csv.write_text(
        "file,mood,who,gender,take\n"
        f"{audio / 'a.wav'},Anger,ann,female,1\n"
        "b.wav,sadness,bob,Male,2\n"
        "c.wav,,bob,M,3\n"             # empty emotion: skipped
        "gone.wav,happy,bob,M,4\n"     # missing file: skipped
    )
    with pytest.warns(CorpusWarning, match="2 file"):
        m = read_csv_manifest(csv, root=audio, columns={"file": "path", "mood": "emotion", "who": "speaker", "gender": "sex"})
    assert m[["speaker", "sex", "emotion", "label", "take"]].values.tolist() == [
        ["ann", "F", "angry", "Anger", "1"], ["bob", "M", "sad", "sadness", "2"]]
    assert (m["corpus"] == "csv").all()
    with pytest.warns(CorpusWarning):
        assert read_corpus(csv, root=audio, columns={"file": "path", "mood": "emotion"}).attrs["corpus"] == "csv"


def test_csv_manifest_bad_input(tmp_path):
    touch_wav(tmp_path / "a.wav")
    csv = tmp_path / "m.csv"
    csv.write_text("file,label\na.wav,happy\n")
    with pytest.raises(ParameterError, match=r"lacks the column\(s\) \['path', 'emotion'\].*columns="):
        read_csv_manifest(csv)
    csv.write_text("path,speaker\na.wav,x\n")
    with pytest.raises(ParameterError, match=r"\['emotion'\]"):
        read_csv_manifest(csv)
    csv.write_text("")
    with pytest.raises(ParameterError, match="empty"):
        read_csv_manifest(csv)
    csv.write_text("path,emotion\n")
    with pytest.raises(ParameterError, match="no rows"):
        read_csv_manifest(csv)
    csv.write_text("path,emotion\nelsewhere/a.wav,happy\n")
    with pytest.raises(FileNotFoundError, match="root="):
        read_csv_manifest(csv)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_csv_manifest(tmp_path / "nope.csv")
    with pytest.raises(FileNotFoundError, match="folder"):
        read_csv_manifest(tmp_path)
    with pytest.raises(TypeError, match="columns"):
        read_csv_manifest(csv, columns=["path"])


# -- bad input common to all readers ------------------------------------------------------------

READERS = [read_ravdess, read_crema_d, read_tess, read_savee, read_emodb, read_label_folders, read_corpus]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_missing_folder(tmp_path, reader):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        reader(tmp_path / "nowhere")


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_empty_folder_and_folder_without_audio(tmp_path, reader):
    with pytest.raises(ParameterError, match="no audio files"):
        reader(tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".hidden.wav").write_bytes(b"")
    with pytest.raises(ParameterError, match="no audio files"):
        reader(tmp_path)


@pytest.mark.parametrize("reader", READERS[:5], ids=lambda r: r.__name__)
def test_file_instead_of_folder_and_wrong_type(tmp_path, reader):
    file = touch_wav(tmp_path / "x.wav")
    with pytest.raises(ParameterError, match="is a file"):
        reader(file)
    with pytest.raises(TypeError, match="os.PathLike"):
        reader(42)


@pytest.mark.parametrize("reader", READERS[:5], ids=lambda r: r.__name__)
def test_no_file_follows_the_naming(tmp_path, reader):
    touch_wav(tmp_path / "take_one.wav")
    with pytest.raises(ParameterError, match="follows the .* file naming"):
        reader(tmp_path)


def test_unmatched_files_are_reported_and_good_ones_kept(tmp_path):
    make_ravdess(tmp_path, actors=[1])
    junk = [touch_wav(tmp_path / "Actor_01" / "copy of 03-01-01-01-01-01-01.wav"), touch_wav(tmp_path / "readme.wav")]
    with pytest.warns(CorpusWarning, match=r"2 file\(s\).*skipped.*attrs\['skipped'\]"):
        m = read_corpus(tmp_path)
    assert len(m) == 60
    assert sorted(m.attrs["skipped"]) == sorted(str(p) for p in junk)


def test_read_corpus_names_and_options(tmp_path):
    touch_wav(tmp_path / "1001_DFA_ANG_XX.wav")
    assert read_corpus(tmp_path, corpus="CREMA-D").attrs["corpus"] == "crema_d"
    with pytest.raises(ParameterError, match="unknown corpus='iemocap'"):
        read_corpus(tmp_path, corpus="iemocap")
    with pytest.raises(TypeError, match="corpus"):
        read_corpus(tmp_path, corpus=None)
    with pytest.raises(ParameterError, match="takes no option"):
        read_corpus(tmp_path, speaker=r"(\d+)")
    with pytest.raises(ParameterError, match="follows the ravdess file naming"):
        read_corpus(tmp_path, corpus="ravdess")


# -- the 4-class subset -------------------------------------------------------------------------


def test_select_four_classes(tmp_path):
    make_ravdess(tmp_path, actors=[1, 2])
    m = read_ravdess(tmp_path)
    four = select_emotions(m)
    assert set(four["emotion"]) == set(FOUR_CLASSES)
    for emotion in FOUR_CLASSES:
        assert (four["emotion"] == emotion).sum() == (m["emotion"] == emotion).sum()
    assert list(four.index) == list(range(len(four))) and four.attrs["corpus"] == "ravdess"
    merged = select_emotions(m, merge={"calm": "neutral"})
    assert (merged["emotion"] == "neutral").sum() == ((m["emotion"] == "neutral") | (m["emotion"] == "calm")).sum()
    assert (m["emotion"] == "calm").any()  # the input is left unchanged


def test_select_emotions_bad_input():
    m = pd.DataFrame({"path": ["a"], "emotion": ["calm"]})
    with pytest.raises(ParameterError, match="no row has an emotion"):
        select_emotions(m)
    with pytest.raises(ParameterError, match="emotions is empty"):
        select_emotions(m, [])
    with pytest.raises(ParameterError, match="'emotion' column"):
        select_emotions(pd.DataFrame({"path": ["a"]}))
