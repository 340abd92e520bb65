// stats.cpp: (being written)
