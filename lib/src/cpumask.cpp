// cpumask.cpp: (being written)
