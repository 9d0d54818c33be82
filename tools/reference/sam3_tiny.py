"""The SAM 3 architecture at a tiny width, built from Hugging Face transformers' configs with seeded random weights.

Shared by the export and golden scripts in this folder. Nothing is downloaded: these are the real SAM 3 modules
(ViT with windowed + global attention and RoPE, FPN neck, CLIP text encoder, geometry encoder with RoIAlign, DETR
encoder/decoder, presence token, dot-product scoring, pixel decoder; the SAM 2-style tracker prompt encoder and mask
decoder) with few layers and narrow widths. The input resolution stays 1008 so every graph tensor has the shape of
the public exports, and the channel counts the graph contracts fix (256 for the FPN, the prompts and the decoders;
32/64/256 for the tracker's image embeddings) stay as they are. Weights are NOT trained: masks are meaningless
shapes, but every computation the host does around the graphs is the one real weights get.
"""

from __future__ import annotations

import math

import torch


def import_torchvision():
    """torchvision wheels here are CUDA builds whose C++ ops do not load beside the CPU torch; importing it with
    `register_fake` made a no-op lets the pure-PyTorch fallbacks (roi_align) work. nms gets a plain implementation."""
    original = torch.library.register_fake

    def no_op(*args, **kwargs):
        return lambda f: f

    torch.library.register_fake = no_op
    try:
        import torchvision  # noqa: F401
        import torchvision.ops.boxes as boxes
    finally:
        torch.library.register_fake = original

    def nms(b: torch.Tensor, scores: torch.Tensor, iou_threshold: float) -> torch.Tensor:
        order = scores.argsort(descending=True)
        keep = []
        while order.numel() > 0:
            i = order[0]
            keep.append(int(i))
            if order.numel() == 1:
                break
            iou = boxes.box_iou(b[i].unsqueeze(0), b[order[1:]])[0]
            order = order[1:][iou <= iou_threshold]
        return torch.tensor(keep, dtype=torch.long)

    boxes.nms = nms
    install_roi_align(torchvision)
    return torchvision


def install_roi_align(torchvision) -> None:
    """torchvision.ops.roi_align without its C++ op: eager runs use torchvision's own pure-PyTorch implementation
    (unwrapped from its lazy torch.compile), and ONNX export emits the standard RoiAlign operator (average pooling,
    adaptive sampling = sampling_ratio 0, output_half_pixel = aligned False), which ONNX Runtime implements."""
    import sys

    module = sys.modules["torchvision.ops.roi_align"]
    from torchvision.ops._utils import check_roi_boxes_shape, convert_boxes_to_roi_format

    eager = getattr(module._roi_align, "__wrapped__", module._roi_align)

    class RoiAlign(torch.autograd.Function):
        @staticmethod
        def forward(ctx, features, rois, spatial_scale, height, width, sampling_ratio, aligned):
            return eager(features, rois, spatial_scale, height, width, sampling_ratio, aligned)

        @staticmethod
        def symbolic(g, features, rois, spatial_scale, height, width, sampling_ratio, aligned):
            starts = g.op("Constant", value_t=torch.tensor([1], dtype=torch.long))
            ends = g.op("Constant", value_t=torch.tensor([5], dtype=torch.long))
            axes = g.op("Constant", value_t=torch.tensor([1], dtype=torch.long))
            boxes = g.op("Slice", rois, starts, ends, axes)
            first = g.op("Gather", rois, g.op("Constant", value_t=torch.tensor(0, dtype=torch.long)), axis_i=1)
            batch = g.op("Cast", first, to_i=7)  # int64
            return g.op(
                "RoiAlign", features, boxes, batch,
                output_height_i=height, output_width_i=width, sampling_ratio_i=max(0, sampling_ratio),
                spatial_scale_f=spatial_scale, mode_s="avg",
                coordinate_transformation_mode_s="half_pixel" if aligned else "output_half_pixel",
            )

    def roi_align(features, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
        check_roi_boxes_shape(boxes)
        rois = boxes if isinstance(boxes, torch.Tensor) else convert_boxes_to_roi_format(boxes)
        h, w = (output_size, output_size) if isinstance(output_size, int) else output_size
        return RoiAlign.apply(features, rois, float(spatial_scale), int(h), int(w), int(sampling_ratio), bool(aligned))

    torchvision.ops.roi_align = roi_align
    module.roi_align = roi_align


import_torchvision()

from transformers import Sam3Config, Sam3Model, Sam3TrackerConfig, Sam3TrackerModel  # noqa: E402

SEED = 20261206
RESOLUTION = 1008


def concept_config() -> Sam3Config:
    return Sam3Config(
        vision_config={
            "backbone_config": {
                "hidden_size": 32,
                "intermediate_size": 64,
                "num_hidden_layers": 2,
                "num_attention_heads": 2,
                "window_size": 24,
                "global_attn_indexes": [1],
                "image_size": RESOLUTION,
                "pretrain_image_size": 336,
            },
            "fpn_hidden_size": 256,
        },
        text_config={
            "model_type": "clip_text_model",
            "vocab_size": 49408,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 1,
            "num_attention_heads": 2,
            "max_position_embeddings": 32,
            "projection_dim": 32,
            "bos_token_id": 49406,
            "eos_token_id": 49407,
            "pad_token_id": 49407,
        },
        geometry_encoder_config={"num_layers": 1, "intermediate_size": 128, "roi_size": 3},
        detr_encoder_config={"num_layers": 1, "intermediate_size": 128},
        detr_decoder_config={"num_layers": 2, "intermediate_size": 128, "num_queries": 200},
        mask_decoder_config={},
    )


def tracker_config() -> Sam3TrackerConfig:
    config = Sam3TrackerConfig()
    vision = config.vision_config
    backbone = vision.backbone_config
    backbone.hidden_size = 32
    backbone.intermediate_size = 64
    backbone.num_hidden_layers = 2
    backbone.num_attention_heads = 2
    backbone.global_attn_indexes = [1]
    backbone.image_size = RESOLUTION
    config.mask_decoder_config.mlp_dim = 128
    config.mask_decoder_config.num_hidden_layers = 1
    return config


def tame_(model: torch.nn.Module, seed: int) -> torch.nn.Module:
    """Seeded weights of modest size everywhere (HF's init zeroes some heads, and a plain normal init blows the
    logits up): each weight ~ N(0, 1/fan_in) scaled down, biases small, norms at identity, embeddings small."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.ndim >= 2:
                fan_in = math.prod(p.shape[1:])
                p.copy_(torch.randn(p.shape, generator=g) * (0.8 / math.sqrt(fan_in)))
            elif name.endswith("weight"):
                p.copy_(1.0 + 0.05 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.05 * torch.randn(p.shape, generator=g))
    return model.eval()


def build_concept_model() -> Sam3Model:
    torch.manual_seed(SEED)
    return tame_(Sam3Model(concept_config()), SEED)


def build_tracker_model() -> Sam3TrackerModel:
    torch.manual_seed(SEED + 1)
    return tame_(Sam3TrackerModel(tracker_config()), SEED + 1)
