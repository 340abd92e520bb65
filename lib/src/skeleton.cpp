// skeleton.cpp: (being written)
