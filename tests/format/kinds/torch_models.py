"""Small ``torch.nn`` models for the graph tests and benchmark (torch is imported on use)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


class SmallCNN(nn.Module):
    """Nested ``nn.Sequential``, a module used twice and a parameter read at the top level."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3)
        self.features = nn.Sequential(
            nn.Conv2d(4, 4, 3), nn.ReLU(), nn.Sequential(nn.Conv2d(4, 2, 1), nn.BatchNorm2d(2))
        )
        self.act = nn.ReLU()
        self.scale = nn.Parameter(torch.ones(1))
        self.fc = nn.Linear(2, 5)

    def forward(self, x: torch.Tensor) -> Any:
        x = self.act(self.features(self.act(self.conv1(x))))
        return self.fc(x.mean(dim=(2, 3)) * self.scale)


class TwoInputs(nn.Module):
    """A ``forward`` with two tensor arguments."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(6, 3)
        self.head = nn.Sequential(nn.Linear(5, 4), nn.Tanh())

    def forward(self, features: torch.Tensor, extra: torch.Tensor) -> Any:
        return self.head(torch.cat([self.embed(features), extra], dim=1))


class TupleOutput(nn.Module):
    """Returns a tuple: logits and the hidden features."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.GELU())
        self.head = nn.Linear(8, 2)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.body(x)
        return self.head(hidden), hidden


class DictOutput(nn.Module):
    """Returns a dict, which only a non-strict trace accepts."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"logits": self.fc(x)}


class DataDependent(nn.Module):
    """Python control flow on a tensor's value: the tracer warns it is baked in."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.sum() > 0:
            return x * 2
        return x - 1


class NoInput(nn.Module):
    """A ``forward`` without arguments."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(3))

    def forward(self) -> torch.Tensor:
        return self.weight * 2


class Bottleneck(nn.Module):
    """ResNet's bottleneck block (1x1, 3x3, 1x1 convolutions and a shortcut)."""

    def __init__(self, inputs: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample: nn.Module | None = None
        if stride != 1 or inputs != planes * 4:
            self.downsample = nn.Sequential(
                nn.Conv2d(inputs, planes * 4, 1, stride, bias=False), nn.BatchNorm2d(planes * 4)
            )

    def forward(self, x: torch.Tensor) -> Any:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(out + shortcut)


class ResNet(nn.Module):
    """ResNet-50's architecture (torchvision's layout) for ``layers=(3, 4, 6, 3)``."""

    def __init__(
        self, layers: tuple[int, ...] = (3, 4, 6, 3), width: int = 64, classes: int = 1000
    ) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        stages: list[Any] = []
        inputs = width
        for index, blocks in enumerate(layers):
            planes = width * 2**index
            stage = [Bottleneck(inputs, planes, 1 if index == 0 else 2)]
            stage += [Bottleneck(planes * 4, planes) for _ in range(1, blocks)]
            stages.append(nn.Sequential(*stage))
            inputs = planes * 4
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(inputs, classes)

    def forward(self, x: torch.Tensor) -> Any:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def example(name: str) -> tuple[nn.Module, Any]:
    """A test model and an example input for it.

    ``resnet`` is a narrow ResNet with ResNet-50's blocks, one or two per stage: its
    graph has every kind of node ResNet-50's has, while torch's ``add_graph``, the
    reference, traces it in well under a second.
    """
    torch.manual_seed(0)
    if name == "small_cnn":
        return SmallCNN(), torch.randn(1, 3, 10, 10)
    if name == "two_inputs":
        return TwoInputs(), (torch.randn(2, 6), torch.randn(2, 2))
    if name == "tuple_output":
        return TupleOutput(), torch.randn(3, 4)
    if name == "resnet":
        return ResNet(layers=(1, 2, 1, 1), width=8), torch.randn(1, 3, 32, 32)
    raise KeyError(name)
