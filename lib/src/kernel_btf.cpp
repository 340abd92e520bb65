// kernel_btf.cpp: (being written)
