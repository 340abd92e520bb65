// main.cpp: scx-run (being written).
int main() { return 0; }
