"""The logging API: ``SummaryWriter`` and the low-level ``FileWriter``."""

from trainboard.writer.file_writer import FileWriter as FileWriter
from trainboard.writer.summary_writer import SummaryWriter as SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
