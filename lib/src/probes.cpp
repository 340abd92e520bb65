// probes.cpp: (being written)
