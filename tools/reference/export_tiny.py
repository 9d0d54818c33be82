"""Exports the tiny real-architecture SAM 3 (sam3_tiny.py) to ONNX under the public exports' tensor names.

Concept graphs follow jamjamjon/usls v2 (`vision-encoder`, `text-encoder`, `geo-encoder-mask-decoder`); click/box graphs
follow onnx-community/sam3-tracker-ONNX (`onnx/vision_encoder`, `onnx/prompt_encoder_mask_decoder`). Export wrappers are
our own, written against transformers' Sam3Model / Sam3TrackerModel. Weights are rounded to float16 before export and
stored as float16 initialisers cast to float32 inside the graph, so the files are half the size while the graphs
compute in float32 exactly what PyTorch computes with the same (rounded) weights.

Usage: python tools/reference/export_tiny.py OUT_DIR      (writes the bundle there, and checks ORT against PyTorch)
"""

from __future__ import annotations

import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
import sam3_tiny as T  # noqa: E402
from transformers.models.sam3.modeling_sam3 import Sam3VisionEncoderOutput  # noqa: E402

OPSET = 17
R = T.RESOLUTION


def round_to_half_(model: torch.nn.Module) -> torch.nn.Module:
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
        for b in model.buffers():
            if b.dtype == torch.float32:
                b.copy_(b.half().float())
    return model


class ConceptVision(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, images):
        out = self.model.vision_encoder(images)
        feats = out.fpn_hidden_states
        pos = out.fpn_position_encoding
        return feats[0], feats[1], feats[2], pos[2]


class ConceptText(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        features = self.model.get_text_features(input_ids=input_ids, attention_mask=attention_mask, return_dict=True).pooler_output
        return features, attention_mask > 0


class _TextEmbeds:
    def __init__(self, features):
        self.pooler_output = features


class MaskedClsGeometry(torch.nn.Module):
    """The geometry encoder with its CLS token valid only when some box is (usls v2's `any(box mask)`): with every
    box labelled -10 the whole geometry prompt is masked out, and the decoder computes what HF computes with no boxes."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, box_embeddings, box_mask, box_labels, img_feats, img_pos_embeds=None):
        out = self.inner(box_embeddings=box_embeddings, box_mask=box_mask, box_labels=box_labels, img_feats=img_feats, img_pos_embeds=img_pos_embeds)
        out.attention_mask = out.attention_mask & box_mask.any(dim=1, keepdim=True)
        return out


class ConceptDecoder(torch.nn.Module):
    """Geometry encoder + DETR encoder/decoder + scoring + mask decoder from precomputed vision and text features."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.geometry = MaskedClsGeometry(model.geometry_encoder)

    def run(self, fpn_feat_0, fpn_feat_1, fpn_feat_2, fpn_pos_2, text_features, text_mask, **boxes):
        # Only the last level's position encoding is read by the geometry encoder and the DETR encoder; the others
        # (and the fourth, dropped, level) are placeholders of the right shape.
        zeros = torch.zeros_like
        vision = Sam3VisionEncoderOutput(
            last_hidden_state=None,
            fpn_hidden_states=(fpn_feat_0, fpn_feat_1, fpn_feat_2, fpn_feat_2),
            fpn_position_encoding=(zeros(fpn_feat_0), zeros(fpn_feat_1), fpn_pos_2, fpn_pos_2),
        )
        out = self.model(vision_embeds=vision, text_embeds=_TextEmbeds(text_features), attention_mask=text_mask.long(), **boxes)
        return out.pred_masks, out.pred_boxes, out.pred_logits, out.presence_logits

    def forward(self, fpn_feat_0, fpn_feat_1, fpn_feat_2, fpn_pos_2, text_features, text_mask, input_boxes, input_boxes_labels):
        original = self.model.geometry_encoder
        self.model.geometry_encoder = self.geometry
        try:
            return self.run(fpn_feat_0, fpn_feat_1, fpn_feat_2, fpn_pos_2, text_features, text_mask, input_boxes=input_boxes, input_boxes_labels=input_boxes_labels)
        finally:
            self.model.geometry_encoder = original


class TrackerVision(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        e = self.model.get_image_embeddings(pixel_values)
        return e[0], e[1], e[2]


class TrackerDecoder(torch.nn.Module):
    """Prompt encoder + mask decoder with the public contract's feeds. transformers' own forward concatenates the point
    tokens [B, P, N, C] with the box tokens [B, N_box, 3, C] along the token axis, which is only valid with exactly
    one box per object, so a points-only prompt (an empty box tensor, as transformers.js sends it) would make ONNX
    Runtime read past the empty tensor. Here the box tokens are laid along the token axis of the one object
    ([B, 1, 3·N_box, C]): the same tokens for one box, and none for no box. The not-a-point the reference appends
    after clicks when there is no box is the host's to send (as are all the tokens)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_points, input_labels, input_boxes, emb0, emb1, emb2):
        return self.decode(input_points, input_labels, input_boxes, emb0, emb1, emb2, None)

    def decode(self, input_points, input_labels, input_boxes, emb0, emb1, emb2, input_masks):
        m = self.model
        encoder = m.prompt_encoder
        points = encoder._embed_points(input_points, input_labels, pad=False)
        boxes = encoder._embed_boxes(input_boxes).flatten(1, 2).unsqueeze(1)
        sparse = torch.cat([points, boxes], dim=2)
        batch = emb2.shape[0]
        if input_masks is None:
            dense = encoder.no_mask_embed.weight.reshape(1, -1, 1, 1).expand(batch, -1, emb2.shape[-2], emb2.shape[-1])
        else:
            dense = encoder.mask_embed(input_masks)
        positions = m.get_image_wide_positional_embeddings().repeat(batch, 1, 1, 1)
        masks, iou, _, object_score = m.mask_decoder(
            image_embeddings=emb2,
            image_positional_embeddings=positions,
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
            multimask_output=True,
            high_resolution_features=[emb0, emb1],
        )
        return iou, masks, object_score


class RefineDecoder(TrackerDecoder):
    """TrackerDecoder with a mask prompt: input_masks [B,1,S,S] (the previous decode's low-res logits, SAM's
    interactive refinement) go through the prompt encoder's mask embedding instead of its no-mask embedding."""

    def forward(self, input_points, input_labels, input_boxes, emb0, emb1, emb2, input_masks):
        return self.decode(input_points, input_labels, input_boxes, emb0, emb1, emb2, input_masks)


def traceable_masks():
    """transformers' create_bidirectional_mask turns sequence lengths into Python ints, which tracing bakes into the
    graph (a decoder exported with 2 boxes then fails with 1). The same padding mask as a broadcast boolean view
    keeps every length symbolic; the ORT-vs-PyTorch checks below compare against the unpatched model."""
    import transformers.models.sam3.modeling_sam3 as modeling

    def mask(config, inputs_embeds, attention_mask, encoder_hidden_states=None, **kwargs):
        if attention_mask is None:
            return None
        return attention_mask.bool()[:, None, None, :]

    original = modeling.create_bidirectional_mask
    modeling.create_bidirectional_mask = mask
    return original


def half_storage(path: str, min_elements: int = 64) -> None:
    """Float32 initialisers become float16 initialisers plus a Cast to float32 (same values: weights were rounded)."""
    model = onnx.load(path)
    graph = model.graph
    casts = []
    kept = []
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT and int(np.prod(init.dims)) >= min_elements:
            values = numpy_helper.to_array(init)
            half = numpy_helper.from_array(values.astype(np.float16), name=f"{init.name}__fp16")
            assert np.array_equal(values.astype(np.float16).astype(np.float32), values), init.name
            kept.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT))
        else:
            kept.append(init)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.save(model, path)


HALF_STORAGE = True


def export(module, args, path, inputs, outputs, dynamic_axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=dynamic_axes, opset_version=OPSET, dynamo=False, do_constant_folding=True)
    if HALF_STORAGE:
        half_storage(path)
    print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


def check(path, feeds, expected, atol):
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    # Inputs the traced graph does not read were pruned by the exporter (the mask pointer reads no high-res features).
    wanted = {i.name for i in session.get_inputs()}
    got = session.run(None, {k: v.numpy() if isinstance(v, torch.Tensor) else v for k, v in feeds.items() if k in wanted})
    bad = []
    for name, g, e in zip([o.name for o in session.get_outputs()], got, expected):
        e = e.numpy() if isinstance(e, torch.Tensor) else e
        diff = float(np.abs(g.astype(np.float64) - e.astype(np.float64)).max()) if g.size else 0.0
        print(f"  {os.path.basename(path)} {name}: max |ORT - torch| = {diff:.2e}")
        if diff > atol:
            bad.append(f"{name} differs from PyTorch by {diff}")
    if bad:
        raise SystemExit(f"{path}: {'; '.join(bad)}")


def main(out_dir: str, concept=None, tracker=None) -> None:
    torch.manual_seed(0)
    concept = concept if concept is not None else round_to_half_(T.build_concept_model())
    tracker = tracker if tracker is not None else round_to_half_(T.build_tracker_model())
    images = torch.rand(1, 3, R, R) * 2 - 1
    export_concept_graphs(concept, out_dir, images)
    export_tracker_graphs(tracker, out_dir, images)


def export_concept_graphs(concept, out_dir: str, images: torch.Tensor) -> None:
    """vision-encoder, text-encoder, geo-encoder-mask-decoder (usls v2 names), each checked against PyTorch."""
    ids = torch.tensor([[49406, 320, 1929, 49407] + [49407] * 28])
    mask = torch.tensor([[1, 1, 1, 1] + [0] * 28])
    boxes = torch.tensor([[[0.4, 0.5, 0.2, 0.3], [0.7, 0.3, 0.1, 0.1]]])
    labels = torch.tensor([[1, 0]])

    vision, text, decoder = ConceptVision(concept), ConceptText(concept), ConceptDecoder(concept)
    one_box = (torch.tensor([[[0.5, 0.5, 0.3, 0.3]]]), torch.tensor([[1]]))
    # Every PyTorch reference is computed before any export: tracing leaves some modules' caches in a state that
    # later eager calls in the same process read.
    with torch.no_grad():
        feats = vision(images)
        tf = text(ids, mask)
        dec = decoder(*feats, *tf, boxes, labels)
        dec_one_box = decoder(*feats, *tf, *one_box)
        dec_text_only = decoder.run(*feats, *tf)  # HF with no boxes at all
    batch = {0: "batch"}
    export(vision, (images,), os.path.join(out_dir, "vision-encoder.onnx"), ["images"], ["fpn_feat_0", "fpn_feat_1", "fpn_feat_2", "fpn_pos_2"], {n: batch for n in ["images", "fpn_feat_0", "fpn_feat_1", "fpn_feat_2", "fpn_pos_2"]})
    export(text, (ids, mask), os.path.join(out_dir, "text-encoder.onnx"), ["input_ids", "attention_mask"], ["text_features", "text_mask"], {n: batch for n in ["input_ids", "attention_mask", "text_features", "text_mask"]})
    dec_inputs = ["fpn_feat_0", "fpn_feat_1", "fpn_feat_2", "fpn_pos_2", "text_features", "text_mask", "input_boxes", "input_boxes_labels"]
    dec_axes = {n: batch for n in dec_inputs}
    dec_axes["input_boxes"] = {0: "batch", 1: "num_boxes"}
    dec_axes["input_boxes_labels"] = {0: "batch", 1: "num_boxes"}
    import transformers.models.sam3.modeling_sam3 as modeling

    original = traceable_masks()
    try:
        export(decoder, (*feats, *tf, boxes, labels), os.path.join(out_dir, "geo-encoder-mask-decoder.onnx"), dec_inputs, ["pred_masks", "pred_boxes", "pred_logits", "presence_logits"], dec_axes)
    finally:
        modeling.create_bidirectional_mask = original

    check(os.path.join(out_dir, "vision-encoder.onnx"), {"images": images}, feats, 1e-3)
    check(os.path.join(out_dir, "text-encoder.onnx"), {"input_ids": ids, "attention_mask": mask}, [tf[0], tf[1].numpy()], 1e-4)
    dec_feeds = dict(zip(dec_inputs, [*feats, tf[0], tf[1], boxes, labels]))
    check(os.path.join(out_dir, "geo-encoder-mask-decoder.onnx"), dec_feeds, dec, 1e-2)
    check(os.path.join(out_dir, "geo-encoder-mask-decoder.onnx"), dict(dec_feeds, input_boxes=one_box[0], input_boxes_labels=one_box[1]), dec_one_box, 1e-2)
    # Text only: one zero box labelled -10 (what hosts send) must give HF's output with no boxes.
    ignored = dict(dec_feeds, input_boxes=torch.zeros(1, 1, 4), input_boxes_labels=torch.tensor([[-10]]))
    check(os.path.join(out_dir, "geo-encoder-mask-decoder.onnx"), ignored, dec_text_only, 1e-2)



def export_tracker_graphs(tracker, out_dir: str, images: torch.Tensor) -> None:
    """onnx/vision_encoder and onnx/prompt_encoder_mask_decoder (transformers' Sam3TrackerModel), checked."""
    tvision, tdecoder = TrackerVision(tracker), TrackerDecoder(tracker)
    points = torch.tensor([[[[500.0, 400.0], [100.0, 900.0]]]])
    point_labels = torch.tensor([[[1, 0]]])
    tboxes = torch.tensor([[[200.0, 300.0, 700.0, 800.0]]])
    with torch.no_grad():
        emb = tvision(images)
        tout = tdecoder(points, point_labels, tboxes, *emb)
        box_ref = tracker(input_points=None, input_labels=None, input_boxes=tboxes, image_embeddings=list(emb), multimask_output=True)
        points_ref = tracker(input_points=points, input_labels=point_labels, input_boxes=None, image_embeddings=list(emb), multimask_output=True)
        tout = tracker(input_points=points, input_labels=point_labels, input_boxes=tboxes, image_embeddings=list(emb), multimask_output=True)
        tout = [tout.iou_scores, tout.pred_masks, tout.object_score_logits]
    export(tvision, (images,), os.path.join(out_dir, "onnx", "vision_encoder.onnx"), ["pixel_values"], ["image_embeddings.0", "image_embeddings.1", "image_embeddings.2"], {n: {0: "batch_size"} for n in ["pixel_values", "image_embeddings.0", "image_embeddings.1", "image_embeddings.2"]})
    taxes = {
        "input_points": {0: "batch_size", 1: "point_batch_size", 2: "num_points"},
        "input_labels": {0: "batch_size", 1: "point_batch_size", 2: "num_points"},
        "input_boxes": {0: "batch_size", 1: "num_boxes"},
    }
    export(tdecoder, (points, point_labels, tboxes, *emb), os.path.join(out_dir, "onnx", "prompt_encoder_mask_decoder.onnx"), ["input_points", "input_labels", "input_boxes", "image_embeddings.0", "image_embeddings.1", "image_embeddings.2"], ["iou_scores", "pred_masks", "object_score_logits"], taxes)
    check(os.path.join(out_dir, "onnx", "vision_encoder.onnx"), {"pixel_values": images}, emb, 1e-3)
    # Where no_memory_embedding goes (#22, divergence 4): transformers' tracker neck has four levels (scale factors
    # 4, 2, 1, 0.5) and get_image_embeddings adds no_memory_embedding to the last one, 36², which the three image
    # embeddings then leave out. image_embeddings.2 is therefore the raw 72² level: a host adds no_mem_embed itself
    # for a frame decoded without memory, and feeds memory attention and the memory encoder image_embeddings.2.
    with torch.no_grad():
        levels = tracker.get_image_features(images, return_dict=True).fpn_hidden_states
        raw = levels[2].permute(1, 2, 0).reshape(1, -1, *emb[2].shape[-2:])
    if len(levels) != 4 or not torch.equal(raw, emb[2]):
        raise SystemExit("image_embeddings.2 is not the raw 72x72 level: re-read where no_memory_embedding is added")
    print("  vision_encoder.onnx image_embeddings.2 = the raw 72x72 level (no_memory_embedding lands on the dropped 36x36 level)")
    tfeeds = {"input_points": points, "input_labels": point_labels, "input_boxes": tboxes, "image_embeddings.0": emb[0], "image_embeddings.1": emb[1], "image_embeddings.2": emb[2]}
    check(os.path.join(out_dir, "onnx", "prompt_encoder_mask_decoder.onnx"), tfeeds, tout, 1e-2)
    # Box only: a zero-length point axis (what the reference sends).
    box_only = dict(tfeeds, input_points=torch.zeros(1, 1, 0, 2), input_labels=torch.zeros(1, 1, 0, dtype=torch.long))
    check(os.path.join(out_dir, "onnx", "prompt_encoder_mask_decoder.onnx"), box_only, [box_ref.iou_scores, box_ref.pred_masks, box_ref.object_score_logits], 1e-2)
    # Points only: an empty box tensor, the clicks and the not-a-point the reference appends when there is no box.
    padded = torch.cat([points, torch.zeros(1, 1, 1, 2)], dim=2)
    padded_labels = torch.cat([point_labels, -torch.ones(1, 1, 1, dtype=torch.long)], dim=2)
    points_only = dict(tfeeds, input_points=padded, input_labels=padded_labels, input_boxes=torch.zeros(1, 0, 4))
    for _ in range(2):  # twice: a graph reading memory it does not own gives different answers
        check(os.path.join(out_dir, "onnx", "prompt_encoder_mask_decoder.onnx"), points_only, [points_ref.iou_scores, points_ref.pred_masks, points_ref.object_score_logits], 1e-2)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(".cache", "tiny-sam3"))
