"""Writes ../test-data/torch-reference.json with a real PyTorch (used once; the output is committed).

Run: /usr/bin/python3 scripts/make-torch-reference.py   (Debian bookworm: python3-torch 1.13, python3-pil 9.4)

An independent PyTorch implementation of the three MTCNN networks and of facenet-pytorch's detection steps
(written from the published description, using torch's own conv2d, max_pool2d ceil_mode, prelu, softmax
and interpolate(mode="area")), run on the real pnet.pt / rnet.pt / onet.pt from ../../shared/data:

- networks: each network's outputs for a deterministic pseudo-random input (a linear congruential
  generator the TypeScript test reproduces), to check the ONNX conversion numerically;
- images: the faces found in three test photos (shorter side resized to 512 with PIL bilinear, as
  facenet-pytorch's own test did before saving test_images_aligned) and in multiface.jpg, with a checksum of
  the pixels MTCNN saw, to check the TypeScript pipeline step for step on identical input.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
shared = os.path.join(here, '..', '..', '..', '..', 'shared', 'data', 'facenet-pytorch')
out = os.path.join(here, '..', 'test-data', 'torch-reference.json')

# (kind, module name, *args) per layer; heads are (kind, name, softmax).
NETWORKS = {
    'pnet': ([('conv', 'conv1'), ('prelu', 'prelu1'), ('pool', 2, 2), ('conv', 'conv2'), ('prelu', 'prelu2'),
              ('conv', 'conv3'), ('prelu', 'prelu3')],
             [('conv', 'conv4_1', True), ('conv', 'conv4_2', False)]),
    'rnet': ([('conv', 'conv1'), ('prelu', 'prelu1'), ('pool', 3, 2), ('conv', 'conv2'), ('prelu', 'prelu2'),
              ('pool', 3, 2), ('conv', 'conv3'), ('prelu', 'prelu3'), ('flatten',), ('dense', 'dense4'),
              ('prelu', 'prelu4')],
             [('dense', 'dense5_1', True), ('dense', 'dense5_2', False)]),
    'onet': ([('conv', 'conv1'), ('prelu', 'prelu1'), ('pool', 3, 2), ('conv', 'conv2'), ('prelu', 'prelu2'),
              ('pool', 3, 2), ('conv', 'conv3'), ('prelu', 'prelu3'), ('pool', 2, 2), ('conv', 'conv4'),
              ('prelu', 'prelu4'), ('flatten',), ('dense', 'dense5'), ('prelu', 'prelu5')],
             [('dense', 'dense6_1', True), ('dense', 'dense6_2', False), ('dense', 'dense6_3', False)]),
}
WEIGHTS = {name: torch.load(os.path.join(shared, f'{name}.pt')) for name in NETWORKS}


def run(name, x):
    """Outputs of network `name` on NCHW `x`, heads in module order (prob, reg[, landmarks])."""
    trunk, heads = NETWORKS[name]
    w = WEIGHTS[name]
    for layer in trunk:
        kind = layer[0]
        if kind == 'conv':
            x = F.conv2d(x, w[layer[1] + '.weight'], w[layer[1] + '.bias'])
        elif kind == 'prelu':
            x = F.prelu(x, w[layer[1] + '.weight'])
        elif kind == 'pool':
            x = F.max_pool2d(x, layer[1], layer[2], ceil_mode=True)
        elif kind == 'flatten':
            x = x.permute(0, 3, 2, 1).contiguous().view(x.shape[0], -1)
        else:
            x = F.linear(x, w[layer[1] + '.weight'], w[layer[1] + '.bias'])
    outputs = []
    for kind, head, softmax in heads:
        conv = F.conv2d if kind == 'conv' else F.linear
        y = conv(x, w[head + '.weight'], w[head + '.bias'])
        outputs.append(F.softmax(y, dim=1) if softmax else y)
    return outputs


def lcg_input(shape, seed):
    """Values in [-1, 1) from x <- (1103515245 x + 12345) mod 2^31, as float32."""
    values = []
    x = seed
    for _ in range(int(np.prod(shape))):
        x = (1103515245 * x + 12345) % 2147483648
        values.append(x / 2147483648 * 2 - 1)
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def nms(boxes, scores, threshold, extra=0.0, minimum=False):
    """Greedy NMS, best score first (ties in input order); `extra` is added to widths and heights."""
    boxes = boxes.double().numpy()
    scores = scores.double().numpy()
    area = (boxes[:, 2] - boxes[:, 0] + extra) * (boxes[:, 3] - boxes[:, 1] + extra)
    keep = []
    for i in np.argsort(-scores, kind='stable'):
        suppressed = False
        for k in keep:
            iw = max(0.0, min(boxes[i, 2], boxes[k, 2]) - max(boxes[i, 0], boxes[k, 0]) + extra)
            ih = max(0.0, min(boxes[i, 3], boxes[k, 3]) - max(boxes[i, 1], boxes[k, 1]) + extra)
            inter = iw * ih
            overlap = inter / min(area[i], area[k]) if minimum else inter / (area[i] + area[k] - inter)
            if overlap > threshold:
                suppressed = True
                break
        if not suppressed:
            keep.append(i)
    return torch.as_tensor(np.array(keep, dtype=np.int64))


def square(b):
    b = b.clone()
    w, h = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
    side = torch.max(w, h)
    b[:, 0] = b[:, 0] + w * 0.5 - side * 0.5
    b[:, 1] = b[:, 1] + h * 0.5 - side * 0.5
    b[:, 2] = b[:, 0] + side
    b[:, 3] = b[:, 1] + side
    return b


def regress(b, reg, extra):
    b = b.clone()
    w, h = b[:, 2] - b[:, 0] + extra, b[:, 3] - b[:, 1] + extra
    b[:, 0] += reg[:, 0] * w
    b[:, 1] += reg[:, 1] * h
    b[:, 2] += reg[:, 2] * w
    b[:, 3] += reg[:, 3] * h
    return b


def crops(img, b, size):
    h, w = img.shape[2:]
    t = b.trunc().long()
    x, y = t[:, 0].clamp(min=1), t[:, 1].clamp(min=1)
    ex, ey = t[:, 2].clamp(max=w), t[:, 3].clamp(max=h)
    keep = [k for k in range(len(b)) if ey[k] > y[k] - 1 and ex[k] > x[k] - 1]
    data = [F.interpolate(img[:, :, y[k] - 1:ey[k], x[k] - 1:ex[k]], size=(size, size), mode='area') for k in keep]
    return (torch.cat(data) - 127.5) * 0.0078125, keep


def detect(pixels, min_face=20, thresholds=(0.6, 0.7, 0.7), factor=0.709):
    img = torch.as_tensor(pixels.copy()).permute(2, 0, 1).float().unsqueeze(0)
    h, w = img.shape[2:]
    scale, side, found = 12.0 / min_face, min(h, w) * 12.0 / min_face, []
    while side >= 12:
        level = (F.interpolate(img, size=(int(h * scale + 1), int(w * scale + 1)), mode='area') - 127.5) * 0.0078125
        prob, reg = run('pnet', level)
        p = prob[0, 1]
        mask = p >= thresholds[0]
        cells = mask.nonzero().double().flip(1)
        if len(cells) > 0:
            b = torch.cat([((2 * cells + 1) / scale).floor(), ((2 * cells + 12) / scale).floor(),
                           p[mask].double().unsqueeze(1), reg[0][:, mask].permute(1, 0).double()], 1)
            found.append(b[nms(b[:, :4], b[:, 4], 0.5)])
        scale *= factor
        side *= factor
    if not found:
        return []
    b = torch.cat(found)
    b = b[nms(b[:, :4], b[:, 4], 0.7)]
    b = square(torch.cat([regress(b[:, :4], b[:, 5:9], 0), b[:, 4:5]], 1))

    data, keep = crops(img, b, 24)
    prob, reg = run('rnet', data)
    b, prob, reg = b[keep], prob.double(), reg.double()
    passing = prob[:, 1] > thresholds[1]
    b = torch.cat([b[passing, :4], prob[passing, 1:2]], 1)
    reg = reg[passing]
    pick = nms(b[:, :4], b[:, 4], 0.7)
    b = square(torch.cat([regress(b[pick, :4], reg[pick], 1), b[pick, 4:5]], 1))
    if len(b) == 0:
        return []

    data, keep = crops(img, b, 48)
    prob, reg, points = run('onet', data)
    b, prob, reg, points = b[keep], prob.double(), reg.double(), points.double()
    passing = prob[:, 1] > thresholds[2]
    b, reg, points = torch.cat([b[passing, :4], prob[passing, 1:2]], 1), reg[passing], points[passing]
    w, h = b[:, 2] - b[:, 0] + 1, b[:, 3] - b[:, 1] + 1
    xs = w.unsqueeze(1) * points[:, :5] + b[:, 0:1] - 1
    ys = h.unsqueeze(1) * points[:, 5:] + b[:, 1:2] - 1
    b = torch.cat([regress(b[:, :4], reg, 1), b[:, 4:5]], 1)
    pick = nms(b[:, :4], b[:, 4], 0.7, extra=1.0, minimum=True)
    return [{'box': [round(float(v), 4) for v in b[i, :4]], 'score': round(float(b[i, 4]), 6),
             'landmarks': [[round(float(xs[i, k]), 4), round(float(ys[i, k]), 4)] for k in range(5)]} for i in pick]


def checksum(pixels):
    """Sum of value * (index mod 251 + 1), as the TypeScript test computes it."""
    flat = pixels.reshape(-1).astype(np.int64)
    return int((flat * (np.arange(flat.size) % 251 + 1)).sum())


def main():
    torch.set_grad_enabled(False)
    networks = {}
    for name, shape in (('pnet', (1, 3, 37, 53)), ('rnet', (2, 3, 24, 24)), ('onet', (2, 3, 48, 48))):
        seed = {'pnet': 1, 'rnet': 2, 'onet': 3}[name]
        outputs = run(name, lcg_input(shape, seed))
        networks[name] = {'seed': seed, 'shape': list(shape),
                          'outputs': {k: {'shape': list(v.shape), 'data': [float(f'{x:.7g}') for x in v.reshape(-1).tolist()]}
                                      for k, v in zip(['prob', 'reg', 'landmarks'], outputs)}}
    images = {}
    for person in ('angelina_jolie', 'kate_siegel', 'shea_whigham'):
        photo = Image.open(os.path.join(shared, 'test_images', person, '1.jpg')).convert('RGB')
        w, h = photo.size
        size = (512, int(512 * h / w)) if w <= h else (int(512 * w / h), 512)
        pixels = np.asarray(photo.resize(size, Image.BILINEAR))
        images[person] = {'file': f'test_images/{person}/1.jpg', 'resize': list(size), 'checksum': checksum(pixels),
                          'faces': detect(pixels)}
    pixels = np.asarray(Image.open(os.path.join(shared, 'multiface.jpg')).convert('RGB'))
    images['multiface'] = {'file': 'multiface.jpg', 'resize': None, 'checksum': checksum(pixels), 'faces': detect(pixels)}
    with open(out, 'w') as f:
        json.dump({'torch': torch.__version__, 'networks': networks, 'images': images}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
