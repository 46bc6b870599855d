import { CheckpointFormatError } from '../errors.js';
import { PickleDict, type PickleGlobal, type PickleValue } from '../pickle/values.js';
import { STORAGE_TYPE_DTYPES } from './dtypes.js';
import { asIndex, asIndexTuple, isStorageRef, isTensorRef, malformedValue, type StorageTypeGlobal, type TensorRef } from './storage.js';

function makeGlobal(module: string, name: string, call: (args: readonly PickleValue[]) => PickleValue): PickleGlobal {
  return { pickleType: 'global', module, name, call };
}

function expectArgs(args: readonly PickleValue[], counts: readonly number[], what: string): void {
  if (!counts.includes(args.length)) throw malformedValue(`${what} called with ${args.length} arguments`);
}

/** `_rebuild_tensor(storage, storage_offset, size, stride)` (the leading arguments of every variant). */
function rebuildTensor(args: readonly PickleValue[]): TensorRef {
  const storage = args[0];
  if (!isStorageRef(storage)) throw malformedValue('tensor rebuilt from something that is not a storage');
  const shape = asIndexTuple(args[2], 'tensor size');
  const stride = asIndexTuple(args[3], 'tensor stride');
  if (shape.length !== stride.length) throw malformedValue('tensor size and stride differ in length');
  return { pickleType: 'torch.TensorRef', storage, storageOffset: asIndex(args[1], 'storage offset'), shape, stride };
}

const ALLOWED: Readonly<Record<string, (module: string, name: string) => PickleGlobal>> = {
  'collections.OrderedDict': (module, name) =>
    makeGlobal(module, name, (args) => {
      expectArgs(args, [0], 'OrderedDict');
      return new PickleDict();
    }),
  // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  'torch._utils._rebuild_tensor_v2': (module, name) =>
    makeGlobal(module, name, (args) => {
      expectArgs(args, [6, 7], name);
      return rebuildTensor(args);
    }),
  'torch._utils._rebuild_tensor': (module, name) =>
    makeGlobal(module, name, (args) => {
      expectArgs(args, [4], name);
      return rebuildTensor(args);
    }),
  // (data, requires_grad, backward_hooks): a Parameter is kept as its tensor.
  'torch._utils._rebuild_parameter': (module, name) =>
    makeGlobal(module, name, (args) => {
      expectArgs(args, [3], name);
      if (!isTensorRef(args[0])) throw malformedValue('parameter rebuilt from something that is not a tensor');
      return args[0];
    }),
};

/**
 * The allow-list of a state dict: `collections.OrderedDict`, the tensor rebuild functions of
 * `torch._utils` (`_rebuild_tensor_v2`, `_rebuild_tensor`, `_rebuild_parameter`) and the storage classes
 * `torch.<Float|Double|Long|Int|Short|Char|Byte|Bool>Storage`. Anything else resolves to `undefined`
 * (refused); other `torch.*Storage` classes (half precision, complex…) throw `unsupported-dtype`.
 */
export function resolveStateDictGlobal(module: string, name: string): PickleGlobal | undefined {
  const allowed = ALLOWED[`${module}.${name}`];
  if (allowed !== undefined) return allowed(module, name);
  if (module === 'torch' && name.endsWith('Storage')) {
    const dtype = STORAGE_TYPE_DTYPES[name];
    if (dtype === undefined) {
      throw new CheckpointFormatError('unsupported-dtype', `Storage type torch.${name} is not supported`, { storageType: name });
    }
    const storageType: StorageTypeGlobal = {
      ...makeGlobal(module, name, () => {
        throw malformedValue(`torch.${name} is only expected inside persistent ids`);
      }),
      dtype,
    };
    return storageType;
  }
  return undefined;
}
