"""Reading extracts and published files; nothing else."""
from .readers import read_table, find_extract_files, SUPPORTED_SUFFIXES, ReadError

__all__ = ["read_table", "find_extract_files", "SUPPORTED_SUFFIXES", "ReadError"]
