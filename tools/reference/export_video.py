"""The SAM 3 video tracker's memory graphs from transformers' Sam3TrackerVideoModel, under the sam3-onnx-cpp names.

Writes, next to the tracker's `onnx/vision_encoder.onnx` (whose image_embeddings.0/1/2 they take):
- `onnx/image_decoder.onnx` (best of three masks) and `onnx/image_decoder_singlemask.onnx` (the single-mask token, for
  two or more points or a box): point_coords [1,P,2] in model pixels, point_labels [1,P] int32 (2/3 = box corners),
  image_embed [1,256,q,q] (memory-fused features, or raw + no_mem_embed), high_res_feats_0/1 -> obj_ptr [1,256],
  pred_mask [1,1,S,S], pred_mask_high_res [1,1,R,R], object_score_logits [1,1], iou_scores [1,K]. The graph appends
  the one not-a-point the reference appends to every video prompt, as transformers' tracker does.
- `onnx/memory_attention.onnx`: current_vision_feat, current_vision_pos_embed [q*q,1,256], memory_obj_ptrs [P,256],
  memory_obj_tpos [P] (frame distance or rank; divided by max_obj_ptrs - 1 inside), memory_mask_feats/pos
  [M,64,q,q], memory_mask_tpos_idx [M] (index into the temporal encodings: 6 for a conditioning frame, r for the
  (r+1)-th most recent) -> fused_feat [1,256,q,q]. M and P are dynamic: nothing is padded, so nothing needs masking.
- `onnx/mask_pointer.onnx`: seed_mask [1,1,R,R] (logits), image_embed (raw) -> obj_ptr: the pointer of an object
  given as a mask (a detection, a reconditioning), as the reference's _use_mask_as_output makes it (it reads no
  high-res features, so the graph takes none).
- `onnx/memory_encoder.onnx`: pred_mask_high_res [1,1,S,S] (the low-res logits: the graph upsamples them to R as the
  reference makes its high-res masks, so the host sends S² values, not R²), current_vision_feat, object_score_logits [1,1],
  is_mask_from_points [1] -> maskmem_features (rounded to bfloat16, as the reference stores them), maskmem_pos_enc.
  Masks from prompts are binarised, tracked masks go through a sigmoid (the reference's _encode_new_memory).
- `onnx/video_constants.npz`: no_mem_embed_bchw, current_vision_pos_embed, num_maskmem, max_obj_ptrs,
  max_cond_frames_in_attn.
Each graph is checked against the PyTorch module it was traced from on sample inputs of several memory sizes.
"""

from __future__ import annotations

import math
import os

import numpy as np
import torch
import torch.nn.functional as F

import export_tiny as E


def video_model_from_tracker(tracker, image_size: int, seed: int, memory_layers: int = 2, memory_ffn: int = 256):
    """A Sam3TrackerVideoModel holding `tracker`'s weights (the same vision encoder, prompt encoder and mask decoder)
    and seeded random memory modules (memory attention with `memory_layers` layers, the memory encoder, the
    temporal encodings, the object-pointer projection)."""
    from transformers import Sam3TrackerVideoConfig, Sam3TrackerVideoModel

    import sam3_tiny as T

    config = Sam3TrackerVideoConfig()
    config.vision_config = tracker.config.vision_config
    config.mask_decoder_config = tracker.config.mask_decoder_config
    config.prompt_encoder_config = tracker.config.prompt_encoder_config
    config.memory_attention_num_layers = memory_layers
    config.memory_attention_feed_forward_hidden_size = memory_ffn
    config.image_size = image_size
    torch.manual_seed(seed)
    model = Sam3TrackerVideoModel(config)
    T.tame_(model, seed)
    missing, unexpected = model.load_state_dict(tracker.state_dict(), strict=False)
    if unexpected:
        raise SystemExit(f"tracker weights the video model does not have: {unexpected[:5]}")
    return model.eval()


def raw_image_embeddings(model, pixel_values):
    """The three tracker levels as the video model's memory path reads them (conv_s0/s1 applied, no no_mem_embed):
    transformers' video get_image_embeddings adds no_memory_embedding to the 72x72 level, the image tracker's to a
    dropped 36x36 one; the public image_embeddings.2 is the raw level, and the host adds no_mem_embed itself."""
    feats = model.get_image_features(pixel_values, return_dict=True).fpn_hidden_states
    batch = pixel_values.shape[0]
    return [f.permute(1, 2, 0).reshape(batch, -1, *size) for f, size in zip(feats, model.backbone_feature_sizes)]


class RawTrackerVision(torch.nn.Module):
    """onnx/vision_encoder for a video bundle: pixel_values -> image_embeddings.0/1/2 (raw, see raw_image_embeddings)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        e = raw_image_embeddings(self.model, pixel_values)
        return e[0], e[1], e[2]


class Decoder(torch.nn.Module):
    def __init__(self, model, multimask: bool):
        super().__init__()
        self.model = model
        self.multimask = multimask

    def forward(self, point_coords, point_labels, image_embed, high_res_feats_0, high_res_feats_1):
        m = self.model
        out = m._single_frame_forward(
            input_points=point_coords.unsqueeze(1),
            input_labels=point_labels.unsqueeze(1),
            image_embeddings=[high_res_feats_0, high_res_feats_1, image_embed],
            multimask_output=self.multimask,
        )
        s = out.pred_masks.shape[-1]
        r = out.high_res_masks.shape[-1]
        return (
            out.object_pointer.reshape(1, -1),
            out.pred_masks.reshape(1, 1, s, s),
            out.high_res_masks.reshape(1, 1, r, r),
            out.object_score_logits.reshape(1, 1),
            out.iou_scores.reshape(1, -1),
        )


class MaskPointer(torch.nn.Module):
    """The object pointer of an object given as a mask rather than found by a decode (a detection, a reconditioning):
    the reference's _use_mask_as_output runs the SAM heads on the frame's raw features with the mask as the dense
    prompt (its learned mask_downsample conv, then resized to S) and no points, and uses no_object_pointer for an
    empty mask. seed_mask: [1,1,R,R] logits (> 0 is the object)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, seed_mask, image_embed, high_res_feats_0, high_res_feats_1):
        m = self.model
        binary = (seed_mask > 0).to(seed_mask.dtype)
        dense = m.mask_downsample(binary)
        size = m.prompt_encoder.mask_input_size
        # R/4 -> S is an upsampling (252 -> 288 at 1008 px), where antialiased bilinear equals plain bilinear.
        dense = F.interpolate(dense, size=size, mode="bilinear", align_corners=False)
        out = m._single_frame_forward(input_masks=dense, image_embeddings=[high_res_feats_0, high_res_feats_1, image_embed])
        present = (binary.flatten(1) > 0).any(dim=1, keepdim=True).to(out.object_pointer.dtype)
        return (present * out.object_pointer.reshape(1, -1) + (1 - present) * m.no_object_pointer).reshape(1, -1)


class MemoryAttention(torch.nn.Module):
    def __init__(self, model, max_obj_ptrs: int):
        super().__init__()
        self.model = model
        self.max_obj_ptrs = max_obj_ptrs

    def forward(self, feat, pos, ptrs, ptr_tpos, mask_feats, mask_pos, mask_tpos_idx):
        from transformers.models.sam3_tracker_video.modeling_sam3_tracker_video import get_1d_sine_pe

        m = self.model
        channels = feat.shape[1]
        mem_dim = mask_feats.shape[1]
        # Spatial memories: [M, C, q, q] -> [M*q*q, 1, C], each with its temporal encoding added to its position.
        temporal = m.memory_temporal_positional_encoding.reshape(-1, mem_dim)[mask_tpos_idx]
        memories = mask_feats.flatten(2).permute(0, 2, 1).reshape(-1, 1, mem_dim)
        memory_pos = (mask_pos + temporal[:, :, None, None]).flatten(2).permute(0, 2, 1).reshape(-1, 1, mem_dim)
        # Object pointers: each 256-d pointer as 256/64 tokens sharing the projected sine of its temporal position.
        splits = channels // mem_dim
        sine = get_1d_sine_pe(ptr_tpos / float(self.max_obj_ptrs - 1), dim=channels)
        ptr_pos = m.temporal_positional_encoding_projection_layer(sine).repeat_interleave(splits, dim=0).unsqueeze(1)
        ptr_tokens = ptrs.reshape(-1, 1, splits, mem_dim).permute(0, 2, 1, 3).flatten(0, 1)
        memory = torch.cat([memories, ptr_tokens], dim=0)
        memory_pos_all = torch.cat([memory_pos, ptr_pos], dim=0)
        current = feat.flatten(2).permute(2, 0, 1)
        fused = m.memory_attention(
            current_vision_features=current,
            current_vision_position_embeddings=pos,
            memory=memory,
            memory_posision_embeddings=memory_pos_all,
            num_object_pointer_tokens=ptr_tokens.shape[0],
        )
        return fused.squeeze(1).transpose(1, 2).reshape(feat.shape)


class MemoryEncoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pred_mask_high_res, current_vision_feat, object_score_logits, is_mask_from_points):
        m = self.model
        size = m.prompt_encoder.mask_input_size[0] * 4
        # The input is the S x S low-res logits: upsampled to R here as the reference makes its high-res masks (so a
        # host sends 96² or 288² values, not R²), then R -> 4S, an upsampling where transformers' antialiased bilinear
        # equals plain bilinear (checked below).
        high_res = F.interpolate(pred_mask_high_res, size=(m.image_size, m.image_size), mode="bilinear", align_corners=False)
        masks = F.interpolate(high_res, size=(size, size), mode="bilinear", align_corners=False)
        from_points = is_mask_from_points.reshape(1, 1, 1, 1) > 0.5
        mask_for_mem = torch.where(from_points, (masks > 0).to(masks.dtype), torch.sigmoid(masks))
        mask_for_mem = mask_for_mem * m.config.sigmoid_scale_for_mem_enc + m.config.sigmoid_bias_for_mem_enc
        features, pos = m.memory_encoder(current_vision_feat, mask_for_mem)
        if m.occlusion_spatial_embedding_parameter is not None:
            absent = 1.0 - (object_score_logits > 0).to(features.dtype).reshape(-1, 1, 1, 1)
            features = features + absent * m.occlusion_spatial_embedding_parameter.reshape(1, -1, 1, 1)
        return features.to(torch.bfloat16).to(torch.float32), pos


def dedupe_constants(path: str, min_elements: int = 4096) -> None:
    """Large Constant nodes (the RoPE cos/sin tables tracing folds into every attention layer) become initialisers,
    identical ones shared: the same graph, a fraction of the file."""
    import hashlib

    import onnx
    from onnx import numpy_helper

    model = onnx.load(path)
    graph = model.graph
    by_digest: dict[str, str] = {}
    renamed: dict[str, str] = {}
    kept = []
    for node in graph.node:
        tensor = node.attribute[0].t if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value" else None
        if tensor is None or int(np.prod(tensor.dims)) < min_elements:
            kept.append(node)
            continue
        values = numpy_helper.to_array(tensor)
        digest = hashlib.sha256(values.tobytes() + str(values.shape).encode() + str(values.dtype).encode()).hexdigest()
        if digest not in by_digest:
            by_digest[digest] = node.output[0]
            graph.initializer.append(numpy_helper.from_array(values, name=node.output[0]))
        else:
            renamed[node.output[0]] = by_digest[digest]
    del graph.node[:]
    graph.node.extend(kept)
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in renamed:
                node.input[i] = renamed[name]
    for out in graph.output:
        if out.name in renamed:
            raise SystemExit(f"{path}: an output is a folded constant")
    onnx.save(model, path)
    print(f"  {os.path.basename(path)}: {len(by_digest)} distinct large constants kept, {len(renamed)} duplicates shared ({os.path.getsize(path) / 1e6:.1f} MB)")


def reference_memory(m, feat_flat, high_res, score, from_points):
    """transformers' own _encode_new_memory, back in [1, C, q, q]."""
    q = feat_flat.shape[0]
    side = int(math.isqrt(q))
    features, pos = m._encode_new_memory(feat_flat, high_res, score, from_points)
    return (
        features.float().permute(1, 2, 0).reshape(1, -1, side, side),
        pos.permute(1, 2, 0).reshape(1, -1, side, side),
    )


def export_video_graphs(model, out_dir: str, images: torch.Tensor) -> None:
    """Writes the memory graphs and constants of `model` under out_dir/onnx and checks them against PyTorch."""
    m = model
    onnx_dir = os.path.join(out_dir, "onnx")
    up = torch.randn(1, 1, m.image_size, m.image_size) * 5
    size = m.prompt_encoder.mask_input_size[0] * 4
    aa = F.interpolate(up, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    plain = F.interpolate(up, size=(size, size), mode="bilinear", align_corners=False)
    if float((aa - plain).abs().max()) > 1e-4:
        raise SystemExit("antialiased upsampling differs from bilinear: the memory encoder must resize as the reference")
    max_ptrs = m.config.max_object_pointers_in_encoder
    with torch.no_grad():
        emb = raw_image_embeddings(m, images)
        pos_flat = m.get_image_features(images, return_dict=True).fpn_position_encoding[-1]  # [q*q, 1, 256]
        no_mem = emb[2] + m.no_memory_embedding.reshape(1, -1, 1, 1)
    q = emb[2].shape[-1]
    r = m.image_size

    decoders = {"image_decoder": Decoder(m, True), "image_decoder_singlemask": Decoder(m, False)}
    points = torch.tensor([[[r * 0.4, r * 0.5], [r * 0.7, r * 0.2]]])
    labels = torch.tensor([[1, 0]], dtype=torch.int32)
    dec_names = ["point_coords", "point_labels", "image_embed", "high_res_feats_0", "high_res_feats_1"]
    dec_out = ["obj_ptr", "pred_mask", "pred_mask_high_res", "object_score_logits", "iou_scores"]
    cases = [
        (points, labels),
        (points[:, :1], labels[:, :1]),
        (torch.zeros(1, 1, 2), -torch.ones(1, 1, dtype=torch.int32)),
        (torch.tensor([[[r * 0.2, r * 0.3], [r * 0.6, r * 0.7], [r * 0.5, r * 0.5]]]), torch.tensor([[2, 3, 1]], dtype=torch.int32)),
    ]
    expected = {}
    with torch.no_grad():
        for name, d in decoders.items():
            expected[name] = [d(c, l, no_mem, emb[0], emb[1]) for c, l in cases]

    # Memory encoder: a prompted (binarised) and a tracked (sigmoid) mask, a present and an absent object.
    encoder = MemoryEncoder(m)
    feat_flat = emb[2].flatten(2).permute(2, 0, 1)
    # A prompted mask is binarised: a smooth one (a disc, as decoders give), since noise has logits at 0 that flip.
    yy, xx = torch.meshgrid(torch.arange(r, dtype=torch.float32), torch.arange(r, dtype=torch.float32), indexing="ij")
    disc = ((r * 0.3) ** 2 - (xx - r * 0.4) ** 2 - (yy - r * 0.55) ** 2).reshape(1, 1, r, r) / (r * 2.0) + 0.25
    s_grid = m.prompt_encoder.mask_input_size[0]
    gy, gx = torch.meshgrid(torch.arange(s_grid, dtype=torch.float32), torch.arange(s_grid, dtype=torch.float32), indexing="ij")
    grid_disc = (s_grid * 0.3 - torch.sqrt((gx - s_grid * 0.4) ** 2 + (gy - s_grid * 0.55) ** 2)).reshape(1, 1, s_grid, s_grid)
    grid_noise = torch.randn(1, 1, s_grid, s_grid) * 5
    enc_cases = [(grid_disc, torch.tensor([[3.0]]), True), (grid_noise, torch.tensor([[-2.0]]), False), (grid_noise * 0.1, torch.tensor([[1.0]]), False)]
    enc_expected = []
    with torch.no_grad():
        for mask, score, from_points in enc_cases:
            mine = encoder(mask, emb[2], score, torch.tensor([1.0 if from_points else 0.0]))
            high_res = F.interpolate(mask, size=(r, r), mode="bilinear", align_corners=False)
            ref = reference_memory(m, feat_flat, high_res, score, from_points)
            if float((mine[0] - ref[0]).abs().max()) > 1e-2 or not torch.equal(mine[1], ref[1]):
                raise SystemExit("the memory encoder wrapper differs from transformers' _encode_new_memory")
            enc_expected.append(mine)
    enc_names = ["pred_mask_high_res", "current_vision_feat", "object_score_logits", "is_mask_from_points"]

    # Mask pointer against transformers' own _use_mask_as_output on the same (binary) mask, present and empty.
    pointer = MaskPointer(m)
    ptr_cases = [disc, torch.full_like(disc, -3.0)]
    ptr_expected = []
    with torch.no_grad():
        for seed in ptr_cases:
            mine = pointer(seed, emb[2], emb[0], emb[1])
            ref = m._use_mask_as_output(emb[2], [emb[0], emb[1]], (seed > 0).float()).object_pointer
            if float((mine - ref.reshape(1, -1)).abs().max()) > 1e-4:
                raise SystemExit("the mask pointer wrapper differs from transformers' _use_mask_as_output")
            ptr_expected.append([mine])
    ptr_names = ["seed_mask", "image_embed", "high_res_feats_0", "high_res_feats_1"]  # the last two are pruned

    # Memory attention against transformers' own memory path for the same memories: its temporal encodings,
    # pointer positions (divided by max_obj_ptrs - 1, the reference's divisor for clips of 16 frames or more).
    attention = MemoryAttention(m, max_ptrs)
    mem = enc_expected[0]

    def attention_case(rows: int, pointers: int):
        g = torch.Generator().manual_seed(rows * 31 + pointers)
        feats = torch.cat([mem[0] + 0.1 * torch.randn(mem[0].shape, generator=g) for _ in range(rows)])
        mpos = mem[1].expand(rows, -1, -1, -1).contiguous()
        idx = torch.tensor([m.num_maskmem - 1] + list(range(rows - 1)), dtype=torch.int64)
        ptrs = torch.randn(pointers, 256, generator=g)
        tpos = torch.arange(pointers, dtype=torch.float32)
        return [emb[2], pos_flat, ptrs, tpos, feats, mpos, idx]

    def reference_attention(feat, pos, ptrs, tpos, feats, mpos, idx):
        from transformers.models.sam3_tracker_video.modeling_sam3_tracker_video import get_1d_sine_pe

        tokens = [feats[i : i + 1].flatten(2).permute(2, 0, 1) for i in range(feats.shape[0])]
        tpos_enc = m.memory_temporal_positional_encoding
        # transformers indexes its temporal encodings by (offset - 1), a conditioning frame's offset 0 wrapping to the last
        token_pos = [mpos[i : i + 1].flatten(2).permute(2, 0, 1) + tpos_enc[int(idx[i])] for i in range(feats.shape[0])]
        sine = get_1d_sine_pe(tpos / float(max_ptrs - 1), dim=256)
        ppos = m.temporal_positional_encoding_projection_layer(sine).unsqueeze(1).repeat_interleave(4, dim=0)
        ptokens = ptrs.reshape(-1, 1, 4, 64).permute(0, 2, 1, 3).flatten(0, 1)
        out = m.memory_attention(
            current_vision_features=feat.flatten(2).permute(2, 0, 1),
            current_vision_position_embeddings=pos,
            memory=torch.cat(tokens + [ptokens]),
            memory_posision_embeddings=torch.cat(token_pos + [ppos]),
            num_object_pointer_tokens=ptokens.shape[0],
        )
        return out.squeeze(1).transpose(1, 2).reshape(feat.shape)

    att_names = ["current_vision_feat", "current_vision_pos_embed", "memory_obj_ptrs", "memory_obj_tpos", "memory_mask_feats", "memory_mask_pos", "memory_mask_tpos_idx"]
    shapes = [(2, 3), (1, 1), (7, 16), (4, 9)]
    att_expected = []
    with torch.no_grad():
        for rows, pointers in shapes:
            feeds = attention_case(rows, pointers)
            mine = attention(*feeds)
            ref = reference_attention(*feeds)
            if float((mine - ref).abs().max()) > 1e-3:
                raise SystemExit("the memory attention wrapper differs from transformers' memory path")
            att_expected.append([mine])

    # Every PyTorch reference above is computed before any export: tracing leaves some modules' caches in a state
    # that later eager calls in the same process read.
    for name, d in decoders.items():
        E.export(d, (points, labels, no_mem, emb[0], emb[1]), os.path.join(onnx_dir, f"{name}.onnx"), dec_names, dec_out, {"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}})
    E.export(pointer, (disc, emb[2], emb[0], emb[1]), os.path.join(onnx_dir, "mask_pointer.onnx"), ptr_names, ["obj_ptr"], {})
    pointer_inputs = [i.name for i in E.ort.InferenceSession(os.path.join(onnx_dir, "mask_pointer.onnx")).get_inputs()]
    if pointer_inputs != ["seed_mask", "image_embed"]:
        raise SystemExit(f"mask_pointer.onnx takes {pointer_inputs}, expected seed_mask and image_embed")
    E.export(encoder, (grid_noise, emb[2], torch.tensor([[3.0]]), torch.tensor([1.0])), os.path.join(onnx_dir, "memory_encoder.onnx"), enc_names, ["maskmem_features", "maskmem_pos_enc"], {})
    E.export(attention, tuple(attention_case(*shapes[0])), os.path.join(onnx_dir, "memory_attention.onnx"), att_names, ["fused_feat"], {
        "memory_obj_ptrs": {0: "num_pointers"},
        "memory_obj_tpos": {0: "num_pointers"},
        "memory_mask_feats": {0: "num_memories"},
        "memory_mask_pos": {0: "num_memories"},
        "memory_mask_tpos_idx": {0: "num_memories"},
    })
    dedupe_constants(os.path.join(onnx_dir, "memory_attention.onnx"))
    for seed, exp in zip(ptr_cases, ptr_expected):
        E.check(os.path.join(onnx_dir, "mask_pointer.onnx"), dict(zip(ptr_names, [seed, emb[2], emb[0], emb[1]])), exp, 1e-3)
    for name in decoders:
        for (c, l), exp in zip(cases, expected[name]):
            E.check(os.path.join(onnx_dir, f"{name}.onnx"), dict(zip(dec_names, [c, l, no_mem, emb[0], emb[1]])), exp, 2e-2)
    session = E.ort.InferenceSession(os.path.join(onnx_dir, "memory_encoder.onnx"), providers=["CPUExecutionProvider"])
    for (mask, score, from_points), (features, pos) in zip(enc_cases, enc_expected):
        feeds = dict(zip(enc_names, [mask, emb[2], score, torch.tensor([1.0 if from_points else 0.0])]))
        got_features, got_pos = session.run(None, {k: v.numpy() for k, v in feeds.items()})
        # The features are rounded to bfloat16: a value at a rounding boundary may land one bfloat16 step away.
        step = np.abs(features.numpy()) * 2.0**-7 + 1e-3
        worst = float((np.abs(got_features - features.numpy()) / step).max())
        print(f"  memory_encoder.onnx maskmem_features: worst |ORT - torch| = {worst:.2f} bfloat16 steps")
        if worst > 1 or float(np.abs(got_pos - pos.numpy()).max()) > 1e-4:
            raise SystemExit("memory_encoder.onnx differs from PyTorch")
    for (rows, pointers), exp in zip(shapes, att_expected):
        E.check(os.path.join(onnx_dir, "memory_attention.onnx"), dict(zip(att_names, attention_case(rows, pointers))), exp, 2e-2)

    np.savez(
        os.path.join(onnx_dir, "video_constants.npz"),
        no_mem_embed_bchw=m.no_memory_embedding.detach().reshape(1, -1, 1, 1).numpy().astype(np.float32),
        current_vision_pos_embed=pos_flat.detach().numpy().astype(np.float32),
        num_maskmem=np.array([m.num_maskmem], dtype=np.int64),
        max_obj_ptrs=np.array([max_ptrs], dtype=np.int64),
        max_cond_frames_in_attn=np.array([m.config.max_cond_frame_num], dtype=np.int64),
    )
    print(f"wrote {os.path.join(onnx_dir, 'video_constants.npz')} (q = {q}, R = {r})")


def export_click_graphs(model, out_dir: str, images: torch.Tensor) -> None:
    """onnx/vision_encoder (raw levels), onnx/prompt_encoder_mask_decoder (transformers' Sam3TrackerModel contract)
    and onnx/prompt_encoder_mask_decoder_refine (the same plus input_masks [1,1,S,S]: the previous click's logits as
    the mask prompt) from the video tracker's weights, checked against PyTorch."""
    tvision, tdecoder = RawTrackerVision(model), E.TrackerDecoder(model)
    r = model.image_size
    points = torch.tensor([[[[r * 0.3, r * 0.35]]]])
    point_labels = torch.tensor([[[1]]])
    box = torch.tensor([[[r * 0.15, r * 0.15, r * 0.45, r * 0.45]]])
    with torch.no_grad():
        emb = tvision(images)
        expected = tdecoder(points, point_labels, box, *emb)
    names = ["input_points", "input_labels", "input_boxes", "image_embeddings.0", "image_embeddings.1", "image_embeddings.2"]
    axes = {
        "input_points": {0: "batch_size", 1: "point_batch_size", 2: "num_points"},
        "input_labels": {0: "batch_size", 1: "point_batch_size", 2: "num_points"},
        "input_boxes": {0: "batch_size", 1: "num_boxes"},
    }
    # The refinement decoder against transformers' own prompt encoder with a mask prompt: the previous decode's best
    # low-res logits as input_masks, no box (the host's not-a-point padding included).
    refine = E.RefineDecoder(model)
    s = model.prompt_encoder.mask_input_size[0]
    padded = torch.cat([points, torch.tensor([[[[0.0, 0.0]]]])], dim=2)
    padded_labels = torch.cat([point_labels, -torch.ones(1, 1, 1, dtype=torch.long)], dim=2)
    with torch.no_grad():
        previous = expected[1][0, 0, int(expected[0][0, 0].argmax())].reshape(1, 1, s, s)
        refined = refine(padded, padded_labels, torch.zeros(1, 0, 4), *emb, previous)
        refined_box = refine(points, point_labels, box, *emb, previous)
        sparse, dense = model.prompt_encoder(input_points=points, input_labels=point_labels, input_boxes=None, input_masks=previous)
        ref_masks, ref_iou, _, ref_score = model.mask_decoder(
            image_embeddings=emb[2],
            image_positional_embeddings=model.get_image_wide_positional_embeddings(),
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
            multimask_output=True,
            high_resolution_features=[emb[0], emb[1]],
        )
    if float((refined[1] - ref_masks).abs().max()) > 1e-4 or float((refined[0] - ref_iou).abs().max()) > 1e-5:
        raise SystemExit("the refinement decoder differs from transformers' prompt encoder with a mask prompt")
    vision_path = os.path.join(out_dir, "onnx", "vision_encoder.onnx")
    decoder_path = os.path.join(out_dir, "onnx", "prompt_encoder_mask_decoder.onnx")
    refine_path = os.path.join(out_dir, "onnx", "prompt_encoder_mask_decoder_refine.onnx")
    E.export(tvision, (images,), vision_path, ["pixel_values"], ["image_embeddings.0", "image_embeddings.1", "image_embeddings.2"], {})
    E.export(tdecoder, (points, point_labels, box, *emb), decoder_path, names, ["iou_scores", "pred_masks", "object_score_logits"], axes)
    E.export(refine, (points, point_labels, box, *emb, previous), refine_path, [*names, "input_masks"], ["iou_scores", "pred_masks", "object_score_logits"], axes)
    E.check(vision_path, {"pixel_values": images}, emb, 1e-3)
    E.check(decoder_path, dict(zip(names, [points, point_labels, box, *emb])), expected, 1e-2)
    E.check(refine_path, dict(zip([*names, "input_masks"], [padded, padded_labels, torch.zeros(1, 0, 4), *emb, previous])), refined, 1e-2)
    E.check(refine_path, dict(zip([*names, "input_masks"], [points, point_labels, box, *emb, previous])), refined_box, 1e-2)
