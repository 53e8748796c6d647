#!/usr/bin/python3
"""Writes the small torch.save-format fixtures under lib/src/test/resources/torch/ WITHOUT PyTorch.

PyTorch is not installed on the build machines, so this script registers a stand-in ``torch`` module (and
``pytorch_lightning.utilities.parsing``) in ``sys.modules`` whose functions and classes carry the real qualified
names (``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage``, ...). Python's own ``pickle`` then writes
exactly the opcodes ``torch.save`` writes for those names: GLOBAL + BINPERSID storage ids + REDUCE. The zip layout
(``<name>/data.pkl``, ``<name>/data/<key>``, ``<name>/byteorder``, ``<name>/version``) and the legacy (pre-1.6)
layout follow torch/serialization.py.

Also writes ``expected.json``: every tensor of ``lightning-like.ckpt`` gathered in C order by an independent Python
implementation (struct-decoded storages, offset + sum(index * stride)), which the Java test compares against.

The "evil" fixtures would run ``touch /tmp/pwned-mask3d-<name>`` if loaded with Python's pickle (or an unsafe
torch.load); the Java test proves the reader refuses them and the file never appears.

Run:  /usr/bin/python3 lib/src/test/python/make_torch_fixtures.py  (from the repository root)
"""
import argparse
import collections
import itertools
import json
import os
import pickle
import struct
import subprocess
import sys
import types
import zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'torch')


# ------------------------------------------------------------------ a stand-in torch module (names only)

def _module(name):
    m = types.ModuleType(name)
    sys.modules[name] = m
    return m


torch = _module('torch')
torch_utils = _module('torch._utils')
torch_storage = _module('torch.storage')
torch._utils = torch_utils
torch.storage = torch_storage


def _fn(module, name):
    def f(*args):
        raise RuntimeError('stand-in for ' + module + '.' + name + ': never called')
    f.__module__ = module
    f.__name__ = f.__qualname__ = name
    setattr(sys.modules[module], name, f)
    return f


_rebuild_tensor_v2 = _fn('torch._utils', '_rebuild_tensor_v2')
_rebuild_parameter = _fn('torch._utils', '_rebuild_parameter')
_load_from_bytes = _fn('torch.storage', '_load_from_bytes')

# storage type name -> (struct code, dtype name, element size)
STORAGES = {
    'FloatStorage': ('f', 'float32', 4), 'DoubleStorage': ('d', 'float64', 8), 'HalfStorage': ('e', 'float16', 2),
    'BFloat16Storage': (None, 'bfloat16', 2), 'LongStorage': ('q', 'int64', 8), 'IntStorage': ('i', 'int32', 4),
    'ShortStorage': ('h', 'int16', 2), 'CharStorage': ('b', 'int8', 1), 'ByteStorage': ('B', 'uint8', 1),
    'BoolStorage': ('?', 'bool', 1), 'ComplexFloatStorage': (None, 'complex64', 8),
}
for _n in STORAGES:
    setattr(torch, _n, type(_n, (), {'__module__': 'torch', '__qualname__': _n}))


class device:
    def __init__(self, kind):
        self.kind = kind

    def __reduce__(self):
        return (device, (self.kind,))


device.__module__ = 'torch'
torch.device = device

pl = _module('pytorch_lightning')
pl_utilities = _module('pytorch_lightning.utilities')
pl_parsing = _module('pytorch_lightning.utilities.parsing')


class AttributeDict(dict):
    pass


AttributeDict.__module__ = 'pytorch_lightning.utilities.parsing'
pl_parsing.AttributeDict = AttributeDict


class Storage:
    def __init__(self, type_name, key, values, numel=None, raw=None):
        self.type_name, self.key, self.values = type_name, key, values
        self.numel = len(values) if numel is None else numel
        self.raw = raw

    def data(self):
        if self.raw is not None:
            return self.raw
        code = STORAGES[self.type_name][0]
        if self.type_name == 'BFloat16Storage':  # top 16 bits of the float32 (values chosen exactly representable)
            return b''.join(struct.pack('<f', v)[2:] for v in self.values)
        return struct.pack('<%d%s' % (len(self.values), code), *self.values)


class Tensor:
    def __init__(self, storage, offset, size, stride, parameter=False):
        self.storage, self.offset, self.size, self.stride, self.parameter = storage, offset, tuple(size), tuple(stride), parameter

    def __reduce_ex__(self, proto):
        plain = Tensor(self.storage, self.offset, self.size, self.stride)
        if self.parameter:
            return (_rebuild_parameter, (plain, True, collections.OrderedDict()))
        return (_rebuild_tensor_v2, (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))

    def gather(self):
        """C-order values: storage[offset + sum(i_d * stride_d)], the independent reference for the Java reader."""
        vals = []
        for idx in itertools.product(*[range(s) for s in self.size]):
            vals.append(self.storage.values[self.offset + sum(i * s for i, s in zip(idx, self.stride))])
        return vals


class Evil:
    """Pickles as a call of `func(*args)`: what a malicious checkpoint does."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ('storage', getattr(torch, obj.type_name), obj.key, 'cpu', obj.numel)
        return None


class LegacyPickler(pickle.Pickler):
    def __init__(self, f, views):
        super().__init__(f, protocol=2)
        self.views = views

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            view = self.views.get(id(obj))
            if view is not None:  # (root storage, offset, size)
                root, off, size = view
                return ('storage', getattr(torch, root.type_name), root.key, 'cpu', root.numel, (obj.key, off, size))
            return ('storage', getattr(torch, obj.type_name), obj.key, 'cpu', obj.numel, None)
        return None


def storages_of(obj, acc):
    if isinstance(obj, Tensor):
        acc[obj.storage.key] = obj.storage
    elif isinstance(obj, dict):
        for v in obj.values():
            storages_of(v, acc)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            storages_of(v, acc)
    return acc


def write_zip(path, obj, name='archive', protocol=2, skip=(), replace=None, extra_entries=(), pickle_bytes=None):
    import io
    buf = io.BytesIO()
    if pickle_bytes is None:
        TorchPickler(buf, protocol=protocol).dump(obj)
        pickle_bytes = buf.getvalue()
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        z.writestr(name + '/data.pkl', pickle_bytes)
        z.writestr(name + '/byteorder', 'little')
        for key, st in storages_of(obj, {}).items():
            if key in skip:
                continue
            data = st.data()
            if replace and key in replace:
                data = replace[key]
            z.writestr(name + '/data/' + key, data)
        z.writestr(name + '/version', '3\n')
        for entry_name, data in extra_entries:
            z.writestr(zipfile.ZipInfo(entry_name), data)


def write_legacy(path, obj, views=None):
    import io
    with open(path, 'wb') as f:
        pickle.dump(0x1950a86a20f9469cfc6c, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({'protocol_version': 1001, 'little_endian': True,
                     'type_sizes': {'short': 2, 'int': 4, 'long': 4}}, f, protocol=2)
        LegacyPickler(f, views or {}).dump(obj)
        roots = {}
        for st in storages_of(obj, {}).values():
            v = (views or {}).get(id(st))
            root = v[0] if v else st
            roots[root.key] = root
        keys = sorted(roots)
        pickle.dump(keys, f, protocol=2)
        for k in keys:
            f.write(struct.pack('<q', roots[k].numel))
            f.write(roots[k].data())


def main():
    os.makedirs(OUT, exist_ok=True)
    s0 = Storage('FloatStorage', '0', [i * 0.25 - 3.0 for i in range(24)])
    s1 = Storage('DoubleStorage', '1', [1.0 / 3.0, -2.5, 1e-300, 7.0, 0.1, -0.0])
    s2 = Storage('HalfStorage', '2', [1.0, -2.5, 65504.0, 2.0 ** -24, 0.333251953125])
    s3 = Storage('BFloat16Storage', '3', [1.0, -3.140625, 1.5e10 - (1.5e10 % 2 ** 26)])
    s4 = Storage('LongStorage', '4', [123456789012])
    s5 = Storage('FloatStorage', '5', [0.5, -0.5, 1.5])
    s6 = Storage('IntStorage', '6', [-1, 2, 300000])
    s7 = Storage('BoolStorage', '7', [True, False, True])
    s8 = Storage('ByteStorage', '8', [255, 0, 17])
    s9 = Storage('FloatStorage', '9', [2.0])
    state_dict = {
        'net.a.weight': Tensor(s0, 0, (2, 3, 4), (12, 4, 1)),
        'net.a.weight_t': Tensor(s0, 0, (4, 3, 2), (1, 4, 12)),      # transposed view, same storage
        'net.b.slice': Tensor(s0, 5, (3, 2), (4, 2)),                 # offset + non-contiguous
        'net.c.expanded': Tensor(s0, 7, (2, 3), (0, 1)),              # broadcast (stride 0)
        'net.d.double': Tensor(s1, 0, (2, 3), (3, 1)),
        'net.e.half': Tensor(s2, 0, (5,), (1,)),
        'net.f.bf16': Tensor(s3, 0, (3,), (1,)),
        'net.bn.num_batches_tracked': Tensor(s4, 0, (), ()),
        'net.g.param': Tensor(s5, 0, (3,), (1,), parameter=True),
        'net.h.int': Tensor(s6, 0, (3,), (1,)),
        'net.i.bool': Tensor(s7, 0, (3,), (1,)),
        'net.j.byte': Tensor(s8, 0, (3,), (1,)),
        'other.scalar': Tensor(s9, 0, (), ()),
    }
    hp = AttributeDict(exp_name='3dmask_test', img_hw=[48, 64], lr=0.0005, debug=False)
    ckpt = {
        'epoch': 3, 'global_step': 1234, 'pytorch-lightning_version': '1.4.9',
        'state_dict': state_dict,
        'optimizer_states': [{
            'state': {0: {'step': Tensor(s9, 0, (), ()), 'exp_avg': Tensor(s0, 0, (2, 3, 4), (12, 4, 1))}},
            'param_groups': [{'lr': 0.001, 'betas': (0.9, 0.999), 'params': [0]}]}],
        'lr_schedulers': [{'milestones': {20: 1}, 'gamma': 1.0}],
        'hyper_parameters': hp,
        'namespace': argparse.Namespace(alpha=1, name='ns'),
        'misc': {'set': {1, 2}, 'bytes': b'\x00\x01\xff', 'big': 2 ** 70, 'neg': -5, 'none': None,
                 'device': device('cpu'), 'tuple_key': {(1, 'a'): 'v'}},
    }
    write_zip(os.path.join(OUT, 'lightning-like.ckpt'), ckpt, name='lightning-like')
    expected = {}
    for k, t in state_dict.items():
        code, dtype, _ = STORAGES[t.storage.type_name]
        vals = t.gather()
        if t.storage.type_name == 'HalfStorage':  # float16 values as torch would give them
            vals = [struct.unpack('<e', struct.pack('<e', v))[0] for v in vals]
        expected[k] = {'dtype': dtype, 'shape': list(t.size), 'values': [float(v) for v in vals]}
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, sort_keys=True)

    # the same object at protocol 4 (STACK_GLOBAL, MEMOIZE, FRAME, SHORT_BINUNICODE) and protocol 0 (text opcodes)
    write_zip(os.path.join(OUT, 'protocol4.ckpt'), ckpt, name='protocol4', protocol=4)
    write_zip(os.path.join(OUT, 'protocol1.ckpt'), ckpt, name='protocol1', protocol=1)
    # protocol 0 cannot carry torch's tuple persistent ids (PERSID is text), so no tensors: metadata only, where
    # AttributeDict and Namespace go through copyreg._reconstructor and the text opcodes
    meta = {'epoch': 3, 'hyper_parameters': hp, 'namespace': argparse.Namespace(alpha=1, name='ns'),
            'values': [1.5, -2, 2 ** 70, 'caf\u00e9 \\ \n', None, True, False, (1, 2), {'k': [3]}]}
    write_zip(os.path.join(OUT, 'protocol0-meta.ckpt'), meta, name='protocol0', protocol=0)

    # torchvision-style plain state dict: an OrderedDict with a _metadata attribute (BUILD), vgg19_bn key names
    v0 = Storage('FloatStorage', '0', [0.1 * i for i in range(2 * 3 * 3 * 3)])
    v1 = Storage('FloatStorage', '1', [1.0, 2.0])
    v2 = Storage('LongStorage', '2', [5])
    v3 = Storage('FloatStorage', '3', [0.5] * 8)
    vgg = collections.OrderedDict([
        ('features.0.weight', Tensor(v0, 0, (2, 3, 3, 3), (27, 9, 3, 1))),
        ('features.1.running_mean', Tensor(v1, 0, (2,), (1,))),
        ('features.1.num_batches_tracked', Tensor(v2, 0, (), ())),
        ('classifier.0.weight', Tensor(v3, 0, (2, 4), (4, 1))),
    ])
    vgg._metadata = collections.OrderedDict([('', {'version': 1}), ('features', {'version': 1})])
    write_zip(os.path.join(OUT, 'vgg-like.pth'), vgg, name='vgg-like')
    write_zip(os.path.join(OUT, 'model-entry.pth'), {'model': vgg, 'epoch': 1}, name='model-entry')
    write_legacy(os.path.join(OUT, 'legacy.pth'), vgg)
    # legacy file with a storage view: tensor over elements 2..5 of a 6-element root storage
    root = Storage('FloatStorage', 'r', [10.0, 11.0, 12.0, 13.0, 14.0, 15.0])
    view = Storage('FloatStorage', 'v', [12.0, 13.0, 14.0, 15.0])
    write_legacy(os.path.join(OUT, 'legacy-view.pth'), collections.OrderedDict([('w', Tensor(view, 1, (2,), (2,)))]),
                 views={id(view): (root, 2, 4)})
    # a plain pickle file that is not torch.save output
    with open(os.path.join(OUT, 'plain-pickle.pkl'), 'wb') as f:
        pickle.dump({'a': 1}, f, protocol=2)

    # ------------------------------------------------------------------ bad input
    small = {'state_dict': {'w': Tensor(Storage('FloatStorage', '0', [1.0, 2.0, 3.0, 4.0]), 0, (2, 2), (2, 1))}}
    bad = os.path.join(OUT, 'bad')
    os.makedirs(bad, exist_ok=True)

    def evil(name, func, args, protocol=2):
        obj = {'state_dict': small['state_dict'], 'payload': Evil(func, args)}
        write_zip(os.path.join(bad, name), obj, name='archive', protocol=protocol)

    evil('evil-system.ckpt', os.system, ('touch /tmp/pwned-mask3d-system',))
    evil('evil-system-p4.ckpt', os.system, ('touch /tmp/pwned-mask3d-system-p4',), protocol=4)
    evil('evil-eval.ckpt', eval, ("__import__('os').system('touch /tmp/pwned-mask3d-eval')",))
    evil('evil-subprocess.ckpt', subprocess.call, (['touch', '/tmp/pwned-mask3d-subprocess'],), protocol=3)
    evil('evil-getattr.ckpt', getattr, (argparse.Namespace, '__init__'))
    evil('evil-load-from-bytes.ckpt', _load_from_bytes, (b'\x80\x02K\x01.',))
    evil('evil-lightning-reduce.ckpt', AttributeDict, ({'a': 1},))  # REDUCE on a class that is not allowed
    # protocol 0 INST: Python calls os.system('touch ...') while unpickling
    inst = b"(S'touch /tmp/pwned-mask3d-inst'\nios\nsystem\n."
    write_zip(os.path.join(bad, 'evil-inst.ckpt'), small, pickle_bytes=inst)

    write_zip(os.path.join(bad, 'missing-storage.ckpt'), small, skip=('0',))
    write_zip(os.path.join(bad, 'short-storage.ckpt'), small, replace={'0': b'\x00' * 10})
    over = {'state_dict': {'w': Tensor(Storage('FloatStorage', '0', [1.0, 2.0, 3.0]), 1, (2, 2), (2, 1))}}
    write_zip(os.path.join(bad, 'tensor-past-storage.ckpt'), over)
    cplx = {'state_dict': {'w': Tensor(Storage('ComplexFloatStorage', '0', [], numel=2, raw=b'\x00' * 16), 0, (2,), (1,))}}
    write_zip(os.path.join(bad, 'unknown-storage.ckpt'), cplx)
    write_zip(os.path.join(bad, 'escape.ckpt'), small, extra_entries=[('../evil.txt', b'x')])
    write_zip(os.path.join(bad, 'escape-nested.ckpt'), small, extra_entries=[('archive/../../evil.txt', b'x')])
    write_zip(os.path.join(bad, 'absolute.ckpt'), small, extra_entries=[('/tmp/evil.txt', b'x')])
    write_zip(os.path.join(bad, 'outside.ckpt'), small, extra_entries=[('other/x', b'x')])
    with zipfile.ZipFile(os.path.join(bad, 'no-data-pkl.ckpt'), 'w') as z:
        z.writestr('archive/version', '3\n')
    print('wrote fixtures to', os.path.normpath(OUT))


if __name__ == '__main__':
    main()
