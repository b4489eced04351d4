"""Faces and embeddings with the real dlib models, on the benign photos of people in the shared
data: exif-samples' `invalid/image00971.jpg` (a telecom advert; the boy's face, ~64 px, is the
one the tests follow) and ThreatExchange's `labelme-subset/q0291.jpg` (three men, tiny faces).
Each shows different people once, so telling people apart is tested on synthetic embeddings
(test_clustering.py); here the same face must stay close to itself."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from vigil.analyzers.context import AnalyzerContext
from vigil.analyzers.face_recognition.analyzer import FaceRecognitionAnalyzer
from vigil.analyzers.face_recognition.embedding import decode_embedding, encode_embedding

ADVERT = "exif-samples/jpg/invalid/image00971.jpg"
FACE_BOX = [494, 53, 64, 63]  # where dlib finds the boy's face in the advert (x, y, w, h)
SAME_PERSON = 0.6


def analyse(
    content: bytes, family: str = "image", tmp_path: Path | None = None, **parameters: object
) -> AnalyzerContext:
    path = None
    if tmp_path is not None:
        path = tmp_path / "stored-copy"
        path.write_bytes(content)
    ctx = AnalyzerContext(
        sha256="0" * 64,
        family=family,
        type_label="jpeg",
        name="x",
        data=content,
        path=path,
        parameters=parameters,
    )
    FaceRecognitionAnalyzer().analyze(ctx)
    return ctx


def jpeg(image: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, **params)
    return out.getvalue()


@pytest.fixture(scope="module")
def advert() -> Image.Image:
    from tests.conftest import SHARED_DATA

    with Image.open(SHARED_DATA / ADVERT) as img:
        return img.convert("RGB")


def the_face(ctx: AnalyzerContext) -> dict:
    faces = [s for s in ctx.output.suggestions if s.label == "face"]
    assert len(faces) == 1, f"expected one face, got {len(faces)}"
    assert ctx.output.issues == [] and ctx.output.facts == {}
    return {"confidence": faces[0].confidence, **faces[0].data}


def face_at(ctx: AnalyzerContext, box: list[int]) -> dict:
    """The face whose box overlaps `box` most (at least 60 % intersection over union): larger
    copies of the advert also show a small face on the television behind the boy."""
    faces = [{"confidence": s.confidence, **s.data} for s in ctx.output.suggestions]
    best = max(faces, key=lambda face: overlap(face["box"], box), default=None)
    assert best is not None and overlap(best["box"], box) > 0.6, f"no face at {box}: {faces}"
    return best


def overlap(a: list[int], b: list[int]) -> float:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    common = max(width, 0) * max(height, 0)
    return common / (a[2] * a[3] + b[2] * b[3] - common)


def distance(a: dict, b: dict) -> float:
    return float(
        np.linalg.norm(decode_embedding(a["embedding"]) - decode_embedding(b["embedding"]))
    )


def test_the_face_in_the_advert_is_found_with_its_box_and_an_embedding(advert: Image.Image) -> None:
    face = the_face(analyse(jpeg(advert)))
    assert face["box"] == pytest.approx(FACE_BOX, abs=2)
    assert 0.5 < face["confidence"] < 1 and face["detector_score"] > 0
    vector = decode_embedding(face["embedding"])
    assert vector.shape == (128,)
    assert 0.5 < float(np.linalg.norm(vector)) < 1.5  # dlib's vectors are close to unit length


def test_the_same_face_mirrored_and_resized_stays_within_the_same_person_threshold(
    advert: Image.Image,
) -> None:
    original = the_face(analyse(jpeg(advert)))
    mirrored = the_face(analyse(jpeg(advert.transpose(Image.Transpose.FLIP_LEFT_RIGHT))))
    doubled = [v * 2 for v in FACE_BOX]
    enlarged = face_at(analyse(jpeg(advert.resize((advert.width * 2, advert.height * 2)))), doubled)
    assert distance(original, mirrored) < SAME_PERSON
    assert distance(original, enlarged) < SAME_PERSON
    width = advert.width
    x, _, w, _ = original["box"]
    assert mirrored["box"][0] == pytest.approx(width - x - w, abs=3)


def test_a_photo_stored_sideways_is_analysed_upright_with_upright_boxes(
    advert: Image.Image,
) -> None:
    # As a phone stores it: pixels turned 90° clockwise, EXIF orientation 8 turns them back.
    sideways = advert.transpose(Image.Transpose.ROTATE_270)
    exif = Image.Exif()
    exif[0x0112] = 8
    face = the_face(analyse(jpeg(sideways, exif=exif.tobytes())))
    assert face["box"] == pytest.approx(FACE_BOX, abs=3)


def test_a_large_photo_is_scaled_down_and_boxes_come_back_in_its_own_pixels(
    advert: Image.Image,
) -> None:
    large = advert.resize((advert.width * 3, advert.height * 3))  # 1908 px > max_side 1280
    face_at(analyse(jpeg(large)), [v * 3 for v in FACE_BOX])


def test_a_small_web_picture_is_upsampled_so_that_its_small_faces_are_found(
    shared_data: Path,
) -> None:
    # 256 px, three men walking, faces of ~19 px: found only after two upsamplings.
    walkers = shared_data / "threatexchange/pdq/data/reg-test-input/labelme-subset/q0291.jpg"
    faces = analyse(walkers.read_bytes()).output.suggestions
    assert faces and all(s.data["box"][2] < 30 for s in faces)
    plain = analyse(walkers.read_bytes(), small_side=0).output.suggestions
    assert plain == []


def test_pictures_without_people_give_no_faces(shared_data: Path) -> None:
    for name in ("Canon_40D.jpg", "gps/DSCN0010.jpg", "orientation/landscape_1.jpg"):
        ctx = analyse((shared_data / "exif-samples/jpg" / name).read_bytes())
        assert ctx.output.suggestions == [], name


def test_a_corrupt_image_is_an_error_not_a_crash() -> None:
    ctx = analyse(b"\xff\xd8\xff\xe0 not really")
    assert [issue.code for issue in ctx.output.issues] == ["image_corrupt"]
    assert ctx.output.suggestions == []


def test_a_video_is_analysed_scene_by_scene_with_the_keyframe_on_each_face(
    advert: Image.Image, tmp_path: Path
) -> None:
    # Two seconds of a grey wall, then two of the advert: the face is in the second scene.
    video = tmp_path / "clip.mp4"
    size = (advert.width - advert.width % 2, advert.height - advert.height % 2)
    with av.open(str(video), mode="w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = *size, "yuv420p"
        stream.codec_context.options = {"preset": "ultrafast", "crf": "12"}
        scenes = [Image.new("RGB", size, (120, 120, 120)), advert.crop((0, 0, *size))]
        for number in range(40):
            frame = av.VideoFrame.from_image(scenes[number // 20])
            frame.pts, frame.time_base = number, Fraction(1, 10)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    ctx = analyse(video.read_bytes(), family="video", tmp_path=tmp_path)
    face = the_face(ctx)
    assert face["keyframe"] == {"number": 1, "frame": 20, "timestamp_s": 2.0}
    assert face["box"] == pytest.approx(FACE_BOX, abs=3)


def test_an_embedding_survives_its_json_form_to_within_float16_rounding() -> None:
    vector = np.random.default_rng(1).normal(scale=0.09, size=128)
    text = encode_embedding(vector)
    assert len(text) == 344
    assert np.abs(decode_embedding(text) - vector).max() < 1e-3


@pytest.mark.parametrize("text", ["", "not base64!", "AAAA", "A" * 344 + "=="])
def test_a_malformed_embedding_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        decode_embedding(text)


def test_the_model_digest_covers_the_landmark_and_embedding_files_not_the_68_point_one() -> None:
    import hashlib

    from vigil.analyzers.face_recognition.analyzer import models_dir

    folder = models_dir()
    assert folder is not None
    both = (folder / "shape_predictor_5_face_landmarks.dat").read_bytes() + (
        folder / "dlib_face_recognition_resnet_model_v1.dat"
    ).read_bytes()
    model = FaceRecognitionAnalyzer.model()
    assert model.digest == hashlib.sha256(both).hexdigest()
    assert not any("68" in name for name in model.files)


def test_its_default_assessment_is_high_risk_two_approvers_and_a_legal_basis_per_use() -> None:
    from vigil.governance.answers import load_answers
    from vigil.governance.scoring import approvers_needed, needs_legal_basis

    level = load_answers(FaceRecognitionAnalyzer.risk_file()).level
    assert level == "high"
    assert approvers_needed(level) == 2 and needs_legal_basis(level)
