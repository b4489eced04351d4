"""The demo's sample seizure: documented content, reproducible bytes, and the flaws it promises
(duplicate, nested zip, truncated JPEG, mislabelled file) really there."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from datetime import datetime
from pathlib import Path

import av
import pytest
from PIL import Image

from vigil.demo import sample
from vigil.demo.sample import SampleManifest, build_sample_seizure
from vigil.demo.synthetic import GPS_IFD, jpeg_with_exif, synthetic_photo

DOCUMENTED_FILES = {
    *(f"DCIM/IMG_{n:04d}.jpg" for n in range(1, 13)),
    "DCIM/IMG_0003 (1).jpg",
    "DCIM/Screenshots/Screenshot_20240506-101530.png",
    "Downloads/holiday.zip",
    "Documents/notes.txt",
    "Documents/report.pdf",
    "broken/truncated.jpg",
    "Videos/clip.mp4",
}
HOLIDAY_MEMBERS = ["dead-sea-1.jpg", "dead-sea-2.jpg", "cape-town.jpg", "more/inner.zip"]
INNER_MEMBERS = ["scan-001.jpg", "scan-002.jpg", "readme.txt"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> SampleManifest:
    return build_sample_seizure(tmp_path_factory.mktemp("demo") / "seizure")


def digests(root: Path) -> dict[str, tuple[str, int]]:
    """SHA-256 and mtime (ns) of every file under root, by POSIX relative path."""
    return {
        path.relative_to(root).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_contains_exactly_the_documented_files(built: SampleManifest) -> None:
    on_disk = set(digests(built.root))
    assert on_disk == DOCUMENTED_FILES
    assert {f.path for f in built.files} == DOCUMENTED_FILES
    assert built.expected_files == sample.EXPECTED_FILES == 19
    # 19 files + holiday.zip's 4 members + inner.zip's 3 members
    assert built.expected_items == sample.EXPECTED_ITEMS == 26
    assert set(built.written) == DOCUMENTED_FILES


def test_manifest_matches_the_bytes_on_disk(built: SampleManifest) -> None:
    on_disk = digests(built.root)
    for entry in built.files:
        assert on_disk[entry.path][0] == entry.sha256
        assert (built.root / entry.path).stat().st_size == entry.size


def test_two_builds_are_byte_identical_with_the_same_times(tmp_path: Path) -> None:
    first = build_sample_seizure(tmp_path / "a")
    second = build_sample_seizure(tmp_path / "b")
    assert digests(first.root) == digests(second.root)
    assert first.files == second.files


def test_rebuild_leaves_unchanged_files_alone_and_repairs_the_rest(tmp_path: Path) -> None:
    manifest = build_sample_seizure(tmp_path)
    before = {p: (tmp_path / p).stat() for p in DOCUMENTED_FILES}
    (tmp_path / "Documents/notes.txt").write_text("tampered\n")
    again = build_sample_seizure(tmp_path)
    assert again.written == ("Documents/notes.txt",)
    assert digests(tmp_path) == digests(manifest.root)
    for path in DOCUMENTED_FILES - {"Documents/notes.txt"}:
        after = (tmp_path / path).stat()
        assert (after.st_ino, after.st_ctime_ns) == (before[path].st_ino, before[path].st_ctime_ns)


def test_modification_times_are_fixed(built: SampleManifest) -> None:
    photo = built.root / "DCIM/IMG_0001.jpg"
    taken = datetime.fromisoformat("2024-05-06T09:14:03+02:00")
    assert photo.stat().st_mtime_ns == int(taken.timestamp()) * 10**9
    notes = (built.root / "Documents/notes.txt").stat().st_mtime_ns
    assert notes == int(sample.BASE_MTIME.timestamp()) * 10**9


def test_duplicate_has_the_same_content_under_another_name(built: SampleManifest) -> None:
    original = (built.root / "DCIM/IMG_0003.jpg").read_bytes()
    assert (built.root / "DCIM/IMG_0003 (1).jpg").read_bytes() == original
    assert len({f.sha256 for f in built.files}) == len(built.files) - 1


def test_zip_nests_as_described(built: SampleManifest) -> None:
    with zipfile.ZipFile(built.root / "Downloads/holiday.zip") as outer:
        assert outer.namelist() == HOLIDAY_MEMBERS
        inner_bytes = outer.read("more/inner.zip")
        for name in HOLIDAY_MEMBERS[:3]:
            assert Image.open(io.BytesIO(outer.read(name))).format == "JPEG"
    with zipfile.ZipFile(io.BytesIO(inner_bytes)) as inner:
        assert inner.namelist() == INNER_MEMBERS
        assert inner.read("readme.txt") == sample.INNER_README
    assert len(built.members) == len(HOLIDAY_MEMBERS) + len(INNER_MEMBERS)
    assert "Downloads/holiday.zip!/more/inner.zip!/readme.txt" in built.members


def test_truncated_jpeg_fails_to_decode(built: SampleManifest) -> None:
    with Image.open(built.root / "broken/truncated.jpg") as img, pytest.raises(OSError):
        img.load()
    assert built.expected_failed == ("broken/truncated.jpg",)


def test_report_pdf_is_really_a_jpeg(built: SampleManifest) -> None:
    data = (built.root / "Documents/report.pdf").read_bytes()
    assert data.startswith(b"\xff\xd8\xff")
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG"


def decimal_degrees(dms: tuple[float, float, float], ref: str) -> float:
    value = float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    return -value if ref in ("S", "W") else value


def read_gps(data: bytes) -> tuple[float, float, float]:
    gps = Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    altitude = float(gps[6]) * (-1 if gps[5] == b"\x01" else 1)
    return decimal_degrees(gps[2], gps[1]), decimal_degrees(gps[4], gps[3]), altitude


@pytest.mark.parametrize("shot", sample.DCIM_SHOTS, ids=lambda s: s.name)
def test_gps_reads_back_through_pillow(built: SampleManifest, shot: sample.Shot) -> None:
    assert shot.gps is not None
    lat, lon, alt = read_gps((built.root / "DCIM" / shot.name).read_bytes())
    assert lat == pytest.approx(shot.gps[0], abs=1e-4)
    assert lon == pytest.approx(shot.gps[1], abs=1e-4)
    assert alt == pytest.approx(shot.gps[2], abs=0.1)


def test_negative_altitude_and_missing_gps_inside_the_zip(built: SampleManifest) -> None:
    with zipfile.ZipFile(built.root / "Downloads/holiday.zip") as outer:
        assert read_gps(outer.read("dead-sea-1.jpg")) == pytest.approx((31.5590, 35.4732, -430.0))
        with zipfile.ZipFile(io.BytesIO(outer.read("more/inner.zip"))) as inner:
            exif = Image.open(io.BytesIO(inner.read("scan-001.jpg"))).getexif()
    assert exif.get_ifd(GPS_IFD) == {}
    assert exif[0x010F] == sample.CAMERA.make


def test_exif_fields_and_orientation(built: SampleManifest) -> None:
    exif = Image.open(built.root / "DCIM/IMG_0007.jpg").getexif()
    assert exif[0x0112] == 6
    assert (exif[0x010F], exif[0x0110], exif[0x0131]) == (
        sample.PHONE.make,
        sample.PHONE.model,
        sample.PHONE.software,
    )
    exif_ifd = exif.get_ifd(0x8769)
    assert exif_ifd[0x9003] == "2024:10:11 18:22:09"
    assert exif_ifd[0x9011] == "+09:00"
    assert exif_ifd[0xA431] == sample.PHONE.body_serial
    kathmandu = Image.open(built.root / "DCIM/IMG_0010.jpg").getexif().get_ifd(0x8769)
    assert kathmandu[0x9011] == "+05:45"
    assert Image.open(built.root / "DCIM/IMG_0001.jpg").getexif()[0x0112] == 1


def test_video_opens_with_the_right_duration(built: SampleManifest) -> None:
    with av.open(str(built.root / "Videos/clip.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "mpeg4"
        assert (stream.width, stream.height) == (160, 120)
        assert container.duration is not None
        assert container.duration / av.time_base == pytest.approx(2.0, abs=0.15)
        assert sum(1 for _ in container.decode(stream)) == 20


def test_photo_generator_is_deterministic_and_seeded() -> None:
    assert synthetic_photo(64, 48, 3).tobytes() == synthetic_photo(64, 48, 3).tobytes()
    assert synthetic_photo(64, 48, 3).tobytes() != synthetic_photo(64, 48, 4).tobytes()


def test_exif_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        jpeg_with_exif(
            synthetic_photo(32, 24, 0),
            make="m",
            model="m",
            body_serial="s",
            software="s",
            taken=datetime(2024, 1, 1, 12, 0, 0),  # naive: the point of the test
            gps=None,
            orientation=None,
        )


def test_no_partial_files_left_behind(built: SampleManifest) -> None:
    leftovers = [p for p in os.listdir(built.root / "Documents") if p.endswith(".partial")]
    assert leftovers == []


@pytest.mark.usefixtures("django_instance")
def test_triage_reports_what_the_manifest_promises(tmp_path: Path, case_name: str) -> None:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Item

    manifest = build_sample_seizure(tmp_path / "seizure")
    summary, _ = triage(case_name, manifest.root, executor="inline")
    assert summary.enumerated == manifest.expected_items
    assert summary.adds_up
    items = Item.objects.filter(case__name=case_name)
    assert set(items.values_list("path", flat=True)) == {
        *(f.path for f in manifest.files),
        *manifest.members,
    }
    failed = items.filter(status="failed").values_list("path", flat=True)
    assert tuple(failed) == manifest.expected_failed
    mismatched = items.filter(extension_mismatch=True).values_list("path", flat=True)
    assert tuple(mismatched) == manifest.extension_mismatch
