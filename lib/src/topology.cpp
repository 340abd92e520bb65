// topology.cpp: (being written)
