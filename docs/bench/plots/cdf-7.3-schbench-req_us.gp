set terminal svg size 800,480 noenhanced font 'sans,11' background '#ffffff'
set output 'cdf-7.3-schbench-req_us.svg'
set title 'schbench req_us, kernel 7.3'
set grid ytics
set logscale x 10
set format x '%g'
set grid xtics mxtics
set xlabel 'us'
set ylabel 'percentile'
set yrange [0:100]
set ytics 10
set key bottom right
plot 'cdf-7.3-schbench-req_us.dat' index 0 using 1:2 with lines lw 2 title 'default', \
     '' index 1 using 1:2 with lines lw 2 title 'lavd', \
     '' index 2 using 1:2 with lines lw 2 title 'lavd:--per-cpu-dsq', \
     '' index 3 using 1:2 with lines lw 2 title 'nest', \
     '' index 4 using 1:2 with lines lw 2 title 'pair', \
     '' index 5 using 1:2 with lines lw 2 title 'simple'
