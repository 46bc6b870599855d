"""Writes the reference checkpoints in ../test-data with a real PyTorch (used once; the outputs are committed).

Run: python3 scripts/make-test-data.py   (PyTorch 1.13 from Debian's python3-torch was used)

- torch-zip.pt / torch-legacy.pt: the same small state dict in both torch.save serialisations, with
  non-contiguous tensors, storage offsets into shared storages, a Parameter, several dtypes and a scalar.
- torch-expected.json: every tensor of that state dict, flattened row-major, as PyTorch reads it.
- mtcnn-expected.json: for the real facenet-pytorch pnet.pt, rnet.pt and onet.pt (in ../../shared/data),
  each tensor's shape, its sum in float64 and its first and last elements, as PyTorch reads them.
- forbidden-module.pt: a whole nn.Module pickled (needs torch.nn globals: must be refused).
"""
import collections
import json
import os

import torch

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, '..', 'test-data')
shared = os.path.join(here, '..', '..', '..', '..', 'shared', 'data', 'facenet-pytorch')

torch.manual_seed(7)
base = torch.arange(60, dtype=torch.float32).reshape(3, 4, 5) / 7.0 - 3.0
shared_storage = torch.linspace(-1.0, 1.0, 40)

state = collections.OrderedDict()
state['contiguous'] = base.clone()
state['permuted'] = base.permute(2, 0, 1)  # non-contiguous strides
state['transposed'] = base[1].t()  # offset and strides into base's storage
state['slice_a'] = shared_storage[3:13].view(2, 5)  # offsets into one shared storage
state['slice_b'] = shared_storage[20:40:4]  # stride 4
state['parameter'] = torch.nn.Parameter(torch.tensor([[1.5, -2.25], [0.125, 8.0]]))
state['float64'] = torch.tensor([1e-300, -2.5, 3.0], dtype=torch.float64)
state['int64'] = torch.tensor([-(2 ** 40), 0, 2 ** 40 + 3], dtype=torch.int64)
state['int32'] = torch.tensor([-7, 2 ** 31 - 1], dtype=torch.int32)
state['int16'] = torch.tensor([-300, 300], dtype=torch.int16)
state['int8'] = torch.tensor([-128, 127], dtype=torch.int8)
state['uint8'] = torch.tensor([0, 255], dtype=torch.uint8)
state['bool'] = torch.tensor([True, False, True])
state['scalar'] = torch.tensor(42, dtype=torch.int64)  # like num_batches_tracked
state['empty'] = torch.zeros(0, 3)
state._metadata = collections.OrderedDict([('', {'version': 1})])

torch.save(state, os.path.join(out, 'torch-zip.pt'))
torch.save(state, os.path.join(out, 'torch-legacy.pt'), _use_new_zipfile_serialization=False)


def flat(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return [1 if v else 0 for v in t.flatten().tolist()]
    if t.dtype == torch.int64:
        return [str(v) for v in t.flatten().tolist()]
    return t.flatten().tolist()


expected = {k: {'shape': list(v.shape), 'dtype': str(v.dtype).replace('torch.', ''), 'data': flat(v)} for k, v in state.items()}
with open(os.path.join(out, 'torch-expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)

mtcnn = {}
for name in ['pnet', 'rnet', 'onet']:
    sd = torch.load(os.path.join(shared, name + '.pt'))
    mtcnn[name] = {
        k: {
            'shape': list(v.shape),
            'sum': float(v.double().sum()),
            'first': float(v.flatten()[0]),
            'last': float(v.flatten()[-1]),
        }
        for k, v in sd.items()
    }
with open(os.path.join(out, 'mtcnn-expected.json'), 'w') as f:
    json.dump(mtcnn, f, indent=1)

torch.save(torch.nn.Linear(2, 2), os.path.join(out, 'forbidden-module.pt'))
