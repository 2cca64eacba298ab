"""The `torchsiren` command line."""
