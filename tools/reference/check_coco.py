# Loads a COCO instance-segmentation file written by `sam3 label` with pycocotools and checks every annotation:
# the RLE decodes to the image's size, its area and toBbox equal the file's `area` and `bbox`, and loadRes accepts
# the annotations as detection results. Usage: python tools/reference/check_coco.py OUT/annotations.json
import json
import sys

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

path = sys.argv[1]
coco = COCO(path)
checked = 0
for ann in coco.loadAnns(coco.getAnnIds()):
    image = coco.loadImgs(ann["image_id"])[0]
    m = coco.annToMask(ann)
    assert m.shape == (image["height"], image["width"]), (ann["id"], m.shape)
    rle = coco.annToRLE(ann)
    assert int(mask_utils.area(rle)) == ann["area"] == int(m.sum()), ann["id"]
    assert np.allclose(mask_utils.toBbox(rle), ann["bbox"]), (ann["id"], mask_utils.toBbox(rle), ann["bbox"])
    checked += 1
results = coco.loadRes(json.load(open(path))["annotations"])
print(f"ok: {len(coco.getImgIds())} images, {checked} annotations, {len(coco.getCatIds())} categories; loadRes took {len(results.getAnnIds())}")
