// simple.cpp (being written)
