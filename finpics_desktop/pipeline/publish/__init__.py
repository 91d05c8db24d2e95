"""Publishing: a folder or files as a picset (planned, claimed, journaled, resumed), and a library
picset pushed to the cloud."""
