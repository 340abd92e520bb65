// exit_info.cpp: (being written)
