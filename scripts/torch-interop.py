"""PyTorch side of xent's interop checks (Debian's python3-torch; no other package needed).

  torch-interop.py load FILE.safetensors INPUTS.json   -> prints the nn.Sequential's outputs (JSON)
  torch-interop.py export DIR                          -> writes PyTorch-exported models + their outputs
  torch-interop.py check FILE.onnx                     -> onnx.checker (full check) + the model's header (JSON)

`load` reads the safetensors file with the format's own rules (8-byte header length, JSON header,
little-endian tensors), builds the nn.Sequential that the "__metadata__" describes, fills it with
load_state_dict(strict=True) and runs it. `export` builds two seeded models and writes them with
torch.onnx.export: a Linear/Tanh/Linear/Softmax nn.Sequential (Gemm, transB=1) and a module computing
x @ W + b (MatMul + Add after constant folding), plus the state dict as safetensors and torch's outputs.
"""
import json
import struct
import sys

import torch

ACT = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}


def read_safetensors(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", t["dtype"]
        b, e = t["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(body[b:e]), dtype=torch.float32).reshape(t["shape"])
    return meta, tensors


def write_safetensors(path, tensors, meta):
    header, off, chunks = {"__metadata__": meta}, 0, []
    for name, t in tensors.items():
        raw = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        off += len(raw)
        chunks.append(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def sequential(sizes, hidden, output):
    layers = []
    for i in range(1, len(sizes)):
        layers.append(torch.nn.Linear(sizes[i - 1], sizes[i]))
        last = i == len(sizes) - 1
        if last and output == "softmax":
            layers.append(torch.nn.Softmax(dim=1))
        else:
            layers.append(ACT[output if last else hidden]())
    return torch.nn.Sequential(*layers)


def load(path, inputs_path):
    meta, tensors = read_safetensors(path)
    sizes = [int(s) for s in meta["xent.sizes"].split(",")]
    model = sequential(sizes, meta["xent.hidden"], meta["xent.output"])
    model.load_state_dict(tensors, strict=True)
    x = torch.tensor(json.load(open(inputs_path)), dtype=torch.float32)
    with torch.no_grad():
        print(json.dumps(model(x).tolist()))


class MatMulAdd(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = torch.nn.Parameter(torch.randn(5, 4) * 0.5)
        self.b1 = torch.nn.Parameter(torch.randn(4))
        self.w2 = torch.nn.Parameter(torch.randn(4, 3) * 0.5)
        self.b2 = torch.nn.Parameter(torch.randn(3))

    def forward(self, x):
        return torch.sigmoid(torch.relu(x @ self.w1 + self.b1) @ self.w2 + self.b2)


def export(out):
    torch.manual_seed(7)
    x = torch.rand(6, 5)
    gemm = sequential([5, 4, 3], "tanh", "softmax")
    mm = MatMulAdd()
    result = {"inputs": x.tolist()}
    for name, model in (("torch-gemm", gemm), ("torch-matmul", mm)):
        torch.onnx.export(model, x, f"{out}/{name}.onnx", input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=13)
        with torch.no_grad():
            result[name] = model(x).tolist()
    write_safetensors(f"{out}/torch-gemm.safetensors", gemm.state_dict(), {"format": "pt"})
    result["torch"] = torch.__version__
    json.dump(result, open(f"{out}/torch-outputs.json", "w"))


def check(path):
    import onnx

    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    print(json.dumps({
        "ir_version": model.ir_version,
        "opset": [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")],
        "producer": model.producer_name,
        "input": [[i.name, dims(i)] for i in model.graph.input],
        "output": [[o.name, dims(o)] for o in model.graph.output],
        "ops": [n.op_type for n in model.graph.node],
        "metadata": {p.key: p.value for p in model.metadata_props},
    }))


if __name__ == "__main__":
    {"load": lambda: load(sys.argv[2], sys.argv[3]), "export": lambda: export(sys.argv[2]), "check": lambda: check(sys.argv[2])}[sys.argv[1]]()
